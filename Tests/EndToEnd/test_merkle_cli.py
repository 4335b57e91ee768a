"""The offline auditor tools: `tazakoom merkle ...` on files and arguments, exit codes and messages."""
import json
import subprocess

from conftest import BINARY

LEAVES = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]


def run(*args):
    return subprocess.run([BINARY, "merkle", *args], capture_output=True, text=True, timeout=60)


def leaves_file(tmp_path, leaves=LEAVES):
    path = tmp_path / "leaves.txt"
    path.write_text("\n".join(leaves) + "\n")
    return str(path)


def test_root_of_the_reference_vectors(tmp_path):
    out = run("root", leaves_file(tmp_path))
    assert out.returncode == 0
    assert out.stdout.strip() == "XcnaeacGWamtVZy3Ad7ZoqudgjqtL0lgz+Nw7/RgQyg="  # 5dc9da79…


def test_inclusion_round_trip_and_every_kind_of_failure(tmp_path):
    f = leaves_file(tmp_path)
    for size in range(1, 9):
        for index in range(size):
            doc = json.loads(run("prove-inclusion", f, "--index", str(index), "--size", str(size)).stdout)
            args = ["verify-inclusion", "--leaf-hash", doc["leafHash"], "--index", str(index), "--size", str(size),
                    "--root", doc["root"], "--proof", ",".join(doc["proof"])]
            ok = run(*args)
            assert (ok.returncode, ok.stdout.strip()) == (0, "valid"), (size, index, ok.stderr)
    doc = json.loads(run("prove-inclusion", f, "--index", "2").stdout)
    base = {"--leaf-hash": doc["leafHash"], "--index": "2", "--size": "8", "--root": doc["root"], "--proof": ",".join(doc["proof"])}

    def verify(**changes):
        args = dict(base)
        args.update({"--" + k.replace("_", "-"): v for k, v in changes.items()})
        return run("verify-inclusion", *[x for kv in args.items() for x in kv])

    cases = {
        "mismatch": verify(root=doc["proof"][0]),
        "wrong length": verify(proof=",".join(doc["proof"][:-1])),
        "not valid base64": verify(root="%%%"),
        "bytes, not 32": verify(leaf_hash="AAAA"),
        "out of range": verify(index="8"),
        "whole number": verify(size="three"),
    }
    for reason, out in cases.items():
        assert out.returncode == 1, reason
        assert out.stdout == ""
        assert out.stderr.startswith("invalid: ") and reason in out.stderr, (reason, out.stderr)


def test_empty_proof_and_consistency(tmp_path):
    f = leaves_file(tmp_path)
    one = json.loads(run("prove-inclusion", f, "--index", "0", "--size", "1").stdout)
    assert one["proof"] == []
    ok = run("verify-inclusion", "--leaf-hash", one["leafHash"], "--index", "0", "--size", "1", "--root", one["root"], "--proof", "")
    assert ok.returncode == 0 and ok.stdout.strip() == "valid"
    for m in range(0, 9):
        for n in range(m, 9):
            doc = json.loads(run("prove-consistency", f, "--from", str(m), "--to", str(n)).stdout)
            out = run("verify-consistency", "--size1", str(m), "--size2", str(n), "--root1", doc["root1"], "--root2", doc["root2"],
                      "--proof", ",".join(doc["proof"]))
            assert out.returncode == 0, (m, n, out.stderr)
    doc = json.loads(run("prove-consistency", f, "--from", "3", "--to", "7").stdout)
    bad = run("verify-consistency", "--size1", "3", "--size2", "7", "--root1", doc["root2"], "--root2", doc["root2"], "--proof", ",".join(doc["proof"]))
    assert bad.returncode == 1 and "invalid:" in bad.stderr


def test_bad_files_are_refused(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("00\nzz\n")
    out = run("root", str(path))
    assert out.returncode == 1 and "line 2" in out.stderr
    missing = run("root", str(tmp_path / "missing.txt"))
    assert missing.returncode == 1 and "cannot read" in missing.stderr
    too_big = run("prove-inclusion", leaves_file(tmp_path), "--index", "0", "--size", "9")
    assert too_big.returncode == 1 and "larger" in too_big.stderr
