const RULE = '='.repeat(78);

/**
 * The one time a generated admin token is shown: on stdout, not through the logger, so it does
 * not travel into log shipping with a level and a context, and it is never printed again.
 */
export function bootstrapBanner(token: string): string {
  return [
    '',
    RULE,
    ' AIRLOCK BOOTSTRAP ADMIN TOKEN — shown once, now. It is stored only as a hash.',
    '',
    `   ${token}`,
    '',
    ' Use it as "Authorization: Bearer <token>" to create your own tokens',
    ' (POST /api/v1/tokens), then keep it in a secret store or revoke it.',
    ' Set AIRLOCK_ADMIN_TOKEN instead to choose the bootstrap admin token yourself.',
    RULE,
    '',
  ].join('\n');
}
