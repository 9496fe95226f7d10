// Waits until Assent and its sandbox answer.
export default async function globalSetup() {
  const urls = [process.env.BASE_URL ?? "http://127.0.0.1:3100", process.env.SANDBOX_URL ?? "http://127.0.0.1:3130"];
  const deadline = Date.now() + 120_000;
  for (const url of urls) {
    for (;;) {
      try {
        const res = await fetch(url + (url === urls[0] ? "/healthz" : "/demo"));
        if (res.ok) break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) throw new Error(`${url} did not start`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
