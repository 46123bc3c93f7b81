import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export class FieldProblem {
  @ApiProperty({ example: 'tags[0]', description: 'Path of the offending field in the request.' })
  field!: string;

  @ApiProperty({ example: 'matches', description: 'The rule the value broke.' })
  rule!: string;

  @ApiProperty({ example: 'tags[0] must match /^v\\d+/' })
  message!: string;
}

/** RFC 9457 problem details, plus Airlock's stable `code` and the request id. */
export class Problem {
  @ApiProperty({ example: 'urn:airlock:problem:invalid-input' })
  type!: string;

  @ApiProperty({ example: 'Invalid input' })
  title!: string;

  @ApiProperty({ example: 400 })
  status!: number;

  @ApiProperty({ example: 'name must be a string' })
  detail!: string;

  @ApiPropertyOptional({ example: '/api/v1/registries' })
  instance?: string;

  @ApiProperty({ example: 'INVALID_INPUT', description: 'Stable machine-readable error code.' })
  code!: string;

  @ApiPropertyOptional({ type: [FieldProblem] })
  errors?: FieldProblem[];

  @ApiPropertyOptional({ example: '0b6f0a2e-3c0e-4a43-9b55-2f8c2a3e8e0b' })
  requestId?: string;

  [extension: string]: unknown;
}

/** The body of a problem: `type` and `title` derive from the code (INVALID_INPUT → invalid-input). */
export function problemOf(status: number, code: string, detail: string): Problem {
  const slug = code.toLowerCase().replace(/_/g, '-');
  return { type: `urn:airlock:problem:${slug}`, title: titleOf(code), status, detail, code };
}

function titleOf(code: string): string {
  const words = code.toLowerCase().replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
