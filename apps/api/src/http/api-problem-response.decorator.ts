import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { Problem, PROBLEM_CONTENT_TYPE } from './problem';

/** Documents an error response as what it is on the wire: application/problem+json. */
export function ApiProblemResponse(
  status: number,
  description: string,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(Problem),
    ApiResponse({
      status,
      description,
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(Problem) } } },
    }),
  );
}

/** The same, as a plain OpenAPI response object (for responses added to the document afterwards). */
export function problemResponseObject(description: string) {
  return {
    description,
    content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: getSchemaPath(Problem) } } },
  };
}
