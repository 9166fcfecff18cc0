/** The key material that seals list cursors: CURSOR_KEY locally, the Secrets Manager secret CURSOR_KEY_SECRET_ARN on AWS. */

export async function cursorKeyMaterial(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (env.CURSOR_KEY) return env.CURSOR_KEY;
  const arn = env.CURSOR_KEY_SECRET_ARN;
  if (!arn) throw new Error('Neither CURSOR_KEY nor CURSOR_KEY_SECRET_ARN is set');
  // Loaded only on AWS, where the key lives in Secrets Manager: local runs never pay for the SDK client.
  const { GetSecretValueCommand, SecretsManagerClient } = await import('@aws-sdk/client-secrets-manager');
  const client = new SecretsManagerClient({});
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    if (!SecretString) throw new Error('The cursor key secret has no string value');
    return SecretString;
  } finally {
    client.destroy();
  }
}
