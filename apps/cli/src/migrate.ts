import 'reflect-metadata';
import { redactUrl } from '@airlock/config';
import { migrateDatabase } from '@airlock/persistence';
import { loadConfigOrExit, runMain } from '@airlock/runtime';

// `npm run migrate`: create the database when missing, apply pending migrations, report.
runMain(async () => {
  const config = loadConfigOrExit();
  const report = await migrateDatabase(config);
  const target = redactUrl(config.databaseUrl);
  if (report.databaseCreated) console.log(`created database ${target}`);
  console.log(
    report.applied.length > 0
      ? `applied ${report.applied.length} migration(s) to ${target}: ${report.applied.join(', ')}`
      : `${target} is up to date`,
  );
});
