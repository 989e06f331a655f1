import { CoderunnerModule } from '@app/services';
import { call } from './utils/http';
import { sandboxBackendsUnderTest } from './utils/sandbox-backends';
import { startTestApp } from './utils/test-app';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const backend = sandboxBackendsUnderTest()[0];

(backend ? describe : describe.skip)('shutdown (e2e)', () => {
  it('finishes the run in progress, refuses new connections, and only then closes the code runner', async () => {
    const t = await startTestApp({ services: [CoderunnerModule], env: { SANDBOX_BACKEND: backend } });
    const key = await t.createKey(10);
    const slow = call(`${t.url}/v1/coderunner/execute`, {
      key,
      body: { language: 'python', code: 'import time\ntime.sleep(1)\nprint("done")' },
    });
    await sleep(400);
    const closing = t.close();
    await sleep(100);
    await expect(fetch(`${t.url}/health`)).rejects.toThrow();
    const res = await slow;
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ exitCode: 0, stdout: 'done\n', timedOut: false });
    await closing;
  });
});
