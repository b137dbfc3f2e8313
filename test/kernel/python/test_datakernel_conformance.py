"""The official kernel conformance suite (jupyter_kernel_test.KernelTests) for datakernel.

Run by test/kernel/conformance.test.ts with JUPYTER_PATH pointing at a test install of the kernelspec.
"""

import unittest

import jupyter_kernel_test


class DataKernelTests(jupyter_kernel_test.KernelTests):
    kernel_name = "datakernel"
    language_name = "typescript"
    file_extension = ".ts"

    code_hello_world = 'console.log("hello, world")'
    code_stderr = 'console.error("oops")'
    code_generate_error = 'throw new Error("boom")'
    code_execute_result = [
        {"code": "6 * 7", "result": "42"},
        {"code": '["a", "b"].join("-")', "result": "'a-b'"},
    ]
    code_display_data = [
        {"code": 'await display.html("<b>hi</b>")', "mime": "text/html"},
        {"code": 'await display.svg("<svg xmlns=\\"http://www.w3.org/2000/svg\\"/>")', "mime": "image/svg+xml"},
        {"code": 'await display({ a: 1 })', "mime": "text/plain"},
    ]
    completion_samples = [
        {"text": "Math.fl", "matches": {"floor"}},
        {"text": "JSON.str", "matches": {"stringify"}},
    ]
    complete_code_samples = ["1 + 1", "const x: number = 1", "%lsmagic"]
    incomplete_code_samples = ["function f() {", "const s = `abc", "[1,"]
    invalid_code_samples = ["const = 1", "1 +* 2"]
    code_history_pattern = "6?*?7"  # IPython's globs: ? is one character, * any run
    supported_history_operations = ("tail", "range", "search")
    code_inspect_sample = "Math.max"
    code_page_something = "Math.max?"
    code_clear_output = "clearOutput()"


if __name__ == "__main__":
    unittest.main()
