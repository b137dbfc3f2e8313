"""Drives a Jupyter kernel with jupyter_client for datakernel's tests and benches.

Scripts run by test/helpers/jupyter.ts import this module: they start a kernel, send requests, and end with
`emit(result)`, which prints the JSON the TypeScript side parses. Every message received through `request`,
`execute` and `collect` is validated against the official message schemas (jupyter_kernel_test.msgspec_v5);
problems are gathered in `problems` (and emitted) instead of raised, so one bad message does not hide the rest.
"""

import json
import sys
import time
from queue import Empty

from jupyter_client.manager import KernelManager
from jupyter_kernel_test.msgspec_v5 import schema_fragments, validate_message

# msgspec_v5 has no comm schemas; these follow the messaging spec's "Custom Messages" section.
schema_fragments.setdefault("comm_open", {"properties": {"comm_id": {"type": "string"}, "target_name": {"type": "string"}, "data": {"type": "object"}}, "required": ["comm_id", "target_name", "data"]})
schema_fragments.setdefault("comm_msg", {"properties": {"comm_id": {"type": "string"}, "data": {"type": "object"}}, "required": ["comm_id", "data"]})
schema_fragments.setdefault("comm_close", {"properties": {"comm_id": {"type": "string"}, "data": {"type": "object"}}, "required": ["comm_id", "data"]})

TIMEOUT = 60
problems = []
# IOPub messages read while looking for another request's messages; collect() looks here first.
pending = []


def start(kernel_name="datakernel", cwd=None, stderr_path=None, ip=None):
    """Starts a kernel and a ready client; cwd: its working directory, stderr_path: where its stderr goes, ip: where it listens."""
    km = KernelManager(kernel_name=kernel_name, **({"ip": ip} if ip else {}))
    kwargs = {"cwd": cwd} if cwd else {}
    if stderr_path:
        kwargs["stderr"] = open(stderr_path, "w")
    km.start_kernel(**kwargs)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    drain(kc)
    return km, kc


def stop(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def validate(msg):
    """Records a schema problem of one message. input_request.password is boolean in spec 5.3; msgspec_v5 says number."""
    try:
        if msg["msg_type"] == "input_request":
            content = dict(msg["content"], password=int(msg["content"]["password"]))
            msg = dict(msg, content=content)
        validate_message(msg)
    except Exception as error:  # noqa: BLE001 - every failure is a finding
        problems.append(f"{msg['msg_type']}: {error}".splitlines()[0])


def simple(msg):
    """A message as JSON-friendly data."""
    return {
        "msg_type": msg["msg_type"],
        "content": msg["content"],
        "parent_id": msg["parent_header"].get("msg_id"),
        "metadata": msg["metadata"],
    }


def drain(kc):
    """Discards pending IOPub messages and replies (the startup status, wait_for_ready's extra kernel_info replies)."""
    pending.clear()
    for get in (kc.get_iopub_msg, kc.get_shell_msg):
        while True:
            try:
                get(timeout=0.2)
            except Empty:
                break


def reply_to(kc, msg_id, channel="shell", timeout=TIMEOUT):
    """The validated reply to msg_id; a reply to anything else is a finding (e.g. to a message that should have been dropped)."""
    get = kc.get_control_msg if channel == "control" else kc.get_shell_msg
    while True:
        reply = get(timeout=timeout)
        validate(reply)
        if reply["parent_header"].get("msg_id") == msg_id:
            return simple(reply)
        problems.append(f"unexpected {reply['msg_type']} to {reply['parent_header'].get('msg_type')}")


def next_iopub(kc, msg_id, deadline):
    """The next validated IOPub message whose parent is msg_id; others wait in `pending`."""
    for index, msg in enumerate(pending):
        if msg["parent_header"].get("msg_id") == msg_id:
            return pending.pop(index)
    while True:
        msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        validate(msg)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg
        pending.append(msg)


def wait_for(kc, msg_id, msg_type, timeout=TIMEOUT):
    """Waits for one IOPub message of a request (e.g. its execute_input); it stays readable by collect()."""
    deadline = time.time() + timeout
    seen = []
    while True:
        msg = next_iopub(kc, msg_id, deadline)
        seen.append(msg)
        if msg["msg_type"] == msg_type:
            pending[:0] = seen
            return simple(msg)


def collect(kc, msg_id, timeout=TIMEOUT):
    """IOPub messages of one request, from busy to idle, each validated."""
    out = []
    deadline = time.time() + timeout
    while True:
        msg = next_iopub(kc, msg_id, deadline)
        out.append(simple(msg))
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out


def request(kc, msg_type, content=None, channel="shell", timeout=TIMEOUT):
    """Sends a request; returns {reply, iopub} with the validated reply and IOPub messages between busy and idle."""
    ch = kc.control_channel if channel == "control" else kc.shell_channel
    msg = kc.session.msg(msg_type, content or {})
    ch.send(msg)
    reply = reply_to(kc, msg["header"]["msg_id"], channel, timeout)
    return {"reply": reply, "iopub": collect(kc, msg["header"]["msg_id"], timeout)}


def execute_content(code, **options):
    """execute_request content as a notebook sends it (allow_stdin off unless asked)."""
    content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
               "allow_stdin": False, "stop_on_error": True}
    content.update(options)
    return content


def execute(kc, code, timeout=TIMEOUT, **options):
    """Runs code; returns {reply, iopub}."""
    return request(kc, "execute_request", execute_content(code, **options), timeout=timeout)


def emit(result):
    """Prints the script's result (and schema problems) as the one JSON line the TypeScript side reads."""
    if isinstance(result, dict):
        result = dict(result, problems=problems)
    sys.stdout.write(json.dumps(result, default=str) + "\n")
    sys.stdout.flush()
