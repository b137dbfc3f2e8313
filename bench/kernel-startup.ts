// Kernel start-up (launch -> first kernel_info_reply) and execute round-trip of `1 + 1` (execute_request sent ->
// execute_reply and idle status received), measured by the same Python client (jupyter_client's KernelManager and
// Session over ZeroMQ) for datakernel, the IPython kernel (Debian's python3-ipykernel) and Deno's kernel (from npm)
// in one run. Targets (issue 13): start-up <= 0.3 s, median round-trip <= 1 ms on an idle machine, ahead of both
// references under load.
import { loadavg } from 'node:os';
import { installTestKernel, runPython } from '../test/helpers/jupyter.js';
import { addDenoKernel } from './references/deno-kernel.js';

const quick = Boolean(process.env.BENCH_QUICK);
const starts = quick ? 3 : 5;
const roundTrips = quick ? 200 : 500;

interface Samples {
  startup: number[];
  roundTrip: number[];
  /** kernel_info round-trips: the protocol path alone (sockets, threads, framing, signing), no language work. */
  kernelInfoTrip: number[];
  /** Kernel CPU seconds per execute (its threads and child processes included): what a loaded machine cannot skew. */
  cpuPerExecute: number;
}

type Kernel = 'datakernel' | 'python3' | 'deno';

const jupyter = installTestKernel();
const kernels: Kernel[] = ['datakernel', 'python3', ...(addDenoKernel(jupyter) ? (['deno'] as const) : [])];
try {
  const samples = await runPython<Partial<Record<Kernel, Samples>>>(
    `
    import os, time, zmq
    from jupyter_client.manager import KernelManager
    from jupyter_client.session import Session
    from jupyter_driver import emit

    def tree_cpu(pid):
        """CPU seconds used so far by a process, its threads and its child processes (esbuild's service)."""
        total, stack = 0, [pid]
        while stack:
            p = stack.pop()
            try:
                fields = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])
                for task in os.listdir(f"/proc/{p}/task"):
                    stack += [int(c) for c in open(f"/proc/{p}/task/{task}/children").read().split()]
            except FileNotFoundError:
                pass
        return total / os.sysconf("SC_CLK_TCK")

    def measure(name):
        startup = []
        for i in range(${starts}):
            km = KernelManager(kernel_name=name)
            started = time.perf_counter()
            km.start_kernel()
            kc = km.client()
            kc.start_channels()
            # One request, queued by ZeroMQ until the kernel binds: the first reply is the start-up time.
            kc.kernel_info()
            kc.get_shell_msg(timeout=60)
            startup.append(time.perf_counter() - started)
            kc.stop_channels()
            if i < ${starts} - 1:
                km.shutdown_kernel(now=True)
        # Raw sockets with jupyter_client's Session (signing, framing): no client-side event loop in the timing.
        info = km.get_connection_info()
        session = Session(key=info["key"], signature_scheme=info["signature_scheme"])
        ctx = zmq.Context.instance()
        shell = ctx.socket(zmq.DEALER)
        shell.connect(f"tcp://{info['ip']}:{info['shell_port']}")
        iopub = ctx.socket(zmq.SUB)
        iopub.setsockopt(zmq.SUBSCRIBE, b"")
        iopub.connect(f"tcp://{info['ip']}:{info['iopub_port']}")
        time.sleep(0.5)
        poller = zmq.Poller()
        poller.register(shell, zmq.POLLIN)
        poller.register(iopub, zmq.POLLIN)

        def round_trips(msg_type, content):
            trips = []
            for i in range(${roundTrips} + 20):
                started = time.perf_counter()
                sent = session.send(shell, msg_type, content)
                replied = idle = False
                while not (replied and idle):
                    ready = dict(poller.poll(10000))
                    if shell in ready:
                        replied = replied or session.recv(shell)[1]["parent_header"]["msg_id"] == sent["header"]["msg_id"]
                    if iopub in ready:
                        msg = session.recv(iopub)[1]
                        idle = idle or (msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle"
                                        and msg["parent_header"]["msg_id"] == sent["header"]["msg_id"])
                if i >= 20:  # warm-up: the first executions load the transpiler
                    trips.append(time.perf_counter() - started)
            return trips

        execute = {"code": "1 + 1", "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}
        cpu_before = tree_cpu(km.provisioner.process.pid)
        trips = round_trips("execute_request", execute)
        cpu = (tree_cpu(km.provisioner.process.pid) - cpu_before) / len(trips)
        info_trips = round_trips("kernel_info_request", {})
        shell.close(0)
        iopub.close(0)
        km.shutdown_kernel(now=True)
        return {"startup": startup, "roundTrip": trips, "kernelInfoTrip": info_trips, "cpuPerExecute": cpu}

    emit({name: measure(name) for name in ${JSON.stringify(kernels)}})
    `,
    jupyter,
    { timeoutMs: 600_000 },
  );
  const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
  const median = (xs: number[]) => sorted(xs)[Math.floor(xs.length / 2)];
  const p99 = (xs: number[]) => sorted(xs)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];
  const { datakernel, python3, deno } = samples as Record<Kernel, Samples>;
  console.log(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} (2 cores)`);
  const line = (name: string, pick: (s: Samples) => number, unit: 's' | 'ms') => {
    const digits = unit === 's' ? 3 : 2;
    const scale = unit === 'ms' ? 1000 : 1;
    const ours = pick(datakernel) * scale;
    const versus = (label: string, reference: Samples | undefined) => (reference ? `, ${(ours / (pick(reference) * scale)).toFixed(2)}x vs ${label} ${(pick(reference) * scale).toFixed(digits)} ${unit}` : '');
    console.log(`${name}: ${ours.toFixed(digits)} ${unit} (${versus('IPython kernel', python3).slice(2)}${versus("Deno's kernel", deno)})`);
  };
  line('kernel startup median (launch -> kernel_info_reply)', (s) => median(s.startup), 's');
  line('kernel execute round-trip median (1 + 1)', (s) => median(s.roundTrip), 'ms');
  line('kernel execute round-trip p99 (1 + 1)', (s) => p99(s.roundTrip), 'ms');
  line('kernel CPU per execute (1 + 1)', (s) => s.cpuPerExecute, 'ms');
  line('kernel kernel_info round-trip median (protocol only)', (s) => median(s.kernelInfoTrip), 'ms');
} finally {
  jupyter.cleanup();
}
