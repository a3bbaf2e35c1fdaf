// `-f -` reads the compose file from standard input; read it once, only when asked.

export async function readStdinIfNeeded(files: readonly string[] | undefined): Promise<string | undefined> {
  if (!files?.includes('-')) return undefined;
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
