// Node 20 loads the file named by NODE_EXTRA_CA_CERTS while it starts, before any of our code
// runs (~60 ms on these machines). bin/berth and bin/berthd move it aside for that reason;
// berthd started by the CLI gets the same environment. The value stays readable as
// BERTH_EXTRA_CA_CERTS for code that needs TLS.
export function startupEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const extra = env.NODE_EXTRA_CA_CERTS;
  if (extra === undefined || extra === '') return env;
  const out: NodeJS.ProcessEnv = { ...env, BERTH_EXTRA_CA_CERTS: extra };
  delete out.NODE_EXTRA_CA_CERTS;
  return out;
}
