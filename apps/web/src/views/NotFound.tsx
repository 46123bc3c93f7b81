import { Link } from 'react-router-dom';

export function NotFoundView() {
  return (
    <>
      <h1>Not found</h1>
      <p>
        Nothing lives at this address. <Link to="/">Back to the pipeline board</Link>
      </p>
    </>
  );
}
