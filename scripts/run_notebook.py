#!/usr/bin/env python3
"""Executes a notebook headlessly against one run folder.

    .venv-notebook/bin/python scripts/run_notebook.py notebooks/supervised_vs_selfplay.ipynb --run DIR

Sets ZEROLAB_RUN to DIR (made absolute), runs every cell with nbclient in the `python3` kernel of
the Python running this script (the one registered in .venv-notebook/ by scripts/venv-notebook.sh),
with a per-cell timeout, and writes the executed copy to DIR/<name>.executed.ipynb; the notebook
itself is never rewritten. Exits 1 on any cell error (printing it on one line), 2 on bad arguments
or a missing run folder.
"""
import argparse
import os
import pathlib
import sys

try:
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
except ImportError as e:
    sys.exit(f"run_notebook: {e.name} missing; run scripts/venv-notebook.sh and use .venv-notebook/bin/python")


def kernel_manager() -> AsyncKernelManager:
    """A manager for `python3` that only looks at this interpreter's own kernels folder, so a
    user-wide python3 kernelspec pointing at another Python can't be picked up instead."""
    ksm = KernelSpecManager(kernel_dirs=[str(pathlib.Path(sys.prefix) / "share" / "jupyter" / "kernels")])
    spec = ksm.get_kernel_spec("python3")  # falls back to ipykernel's own spec (sys.executable)
    if not os.path.exists(spec.argv[0]):
        sys.exit(f"run_notebook: python3 kernel points at missing {spec.argv[0]}; rerun scripts/venv-notebook.sh")
    return AsyncKernelManager(kernel_name="python3", kernel_spec_manager=ksm)


def main() -> int:
    ap = argparse.ArgumentParser(description="Run a notebook headlessly against a run folder.")
    ap.add_argument("notebook", type=pathlib.Path)
    ap.add_argument("--run", required=True, type=pathlib.Path, help="run folder (sets ZEROLAB_RUN)")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per cell (default 300)")
    args = ap.parse_args()

    notebook = args.notebook.resolve()
    run_dir = args.run.resolve()
    if not notebook.is_file():
        print(f"run_notebook: notebook not found: {notebook}", file=sys.stderr)
        return 2
    if not run_dir.is_dir():
        print(f"run_notebook: run folder not found: {run_dir}", file=sys.stderr)
        return 2

    os.environ["ZEROLAB_RUN"] = str(run_dir)  # the kernel inherits this environment
    os.environ["MPLBACKEND"] = "Agg"
    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(
        nb,
        km=kernel_manager(),
        timeout=args.timeout,
        kernel_name="python3",
        extra_arguments=["--IPKernelApp.log_level=ERROR"],  # no plain-TCP warning on a local kernel
        resources={"metadata": {"path": str(notebook.parent)}},  # cwd = the notebook's folder
    )
    pngs_before = {p: p.stat().st_mtime_ns for p in run_dir.glob("*.png")}
    out = run_dir / f"{notebook.stem}.executed.ipynb"
    failure = None
    try:
        client.execute()
    except CellExecutionError as e:
        failure = f"{e.ename}: {e.evalue}"
    except CellTimeoutError:
        failure = f"a cell ran longer than {args.timeout} s"
    except DeadKernelError as e:
        failure = f"kernel died ({e})"
    except Exception as e:  # kernel failed to start, and the like
        failure = f"{type(e).__name__}: {e}"
    finally:
        nbformat.write(nb, out)

    if failure is not None:
        first_line = (failure.strip().splitlines() or ["error"])[0]
        print(f"notebook: FAILED: {first_line} (executed copy in {out})", file=sys.stderr)
        return 1
    code_cells = sum(1 for c in nb.cells if c.cell_type == "code")
    written = sorted(p.name for p in run_dir.glob("*.png")
                     if pngs_before.get(p) != p.stat().st_mtime_ns)
    print(f"notebook: {code_cells} code cells executed, {len(written)} figures "
          f"({', '.join(written) or 'none'}) written to {run_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
