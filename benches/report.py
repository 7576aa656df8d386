#!/usr/bin/env python3
"""Helpers of benches/run.sh (issue 4's throughput harness).

  report.py summary SCAN.jsonl          -> "seen scanned bytes_scanned" of ratatosk's end event
  report.py hash-openssl TREE MANIFEST  -> one-pass MD5+SHA-1+SHA-256 of the corpus with OpenSSL
                                           (Python's hashlib), one thread, as hash_tree prints it
  report.py tiny-tree DEST N            -> N tiny files (0..512 bytes) under DEST, 1,000 a folder
  report.py table RAW.tsv META.tsv OUT  -> the Markdown tables (medians, ratios, goals), printed
                                           and written to OUT
"""
import hashlib
import json
import os
import random
import statistics
import sys
import time

MIB = 1 << 20


def summary(path):
    """The counters of the JSONL end event (the last event carrying a `summary`)."""
    found = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if '"summary"' not in line:
                continue
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if isinstance(event.get("summary"), dict):
                found = event["summary"]
    if found is None:
        sys.exit(f"report.py: no summary event in {path}")
    print(found.get("seen", 0), found.get("scanned", 0), found.get("bytes_scanned", 0))


# Bytes fed to each digest in turn, as ratatosk::hash does (its CHUNK).
CHUNK = 16 * 1024


def hash_openssl(tree, manifest):
    """OpenSSL's one-pass figure on the same files: each file read whole, then every 16 KiB
    chunk fed to MD5, SHA-1 and SHA-256 (hashlib calls OpenSSL's EVP digests). The digest time
    is this thread's CPU time, as in hash_tree."""
    files = nbytes = 0
    hashing = 0.0
    started = time.monotonic()
    with open(manifest, encoding="utf-8") as m:
        next(m)
        for line in m:
            rel = line.split("\t", 1)[0]
            try:
                with open(os.path.join(tree, rel), "rb") as f:
                    data = memoryview(f.read())
            except OSError:
                continue
            t0 = time.thread_time()
            hs = (hashlib.md5(), hashlib.sha1(), hashlib.sha256())
            for i in range(0, len(data), CHUNK):
                chunk = data[i:i + CHUNK]
                for h in hs:
                    h.update(chunk)
            for h in hs:
                h.digest()
            hashing += time.thread_time() - t0
            files += 1
            nbytes += len(data)
    wall = time.monotonic() - started
    print(f"files={files} bytes={nbytes} errors=0 threads=1 wall_s={wall:.3f} "
          f"hash_cpu_s={hashing:.3f} ")


def tiny_tree(dest, n):
    """N files of 0..512 bytes (text, binary, empty), deterministic, 1,000 per folder."""
    rng = random.Random(0x71AE)
    for i in range(n):
        folder = os.path.join(dest, f"d{i // 100000:02d}", f"s{(i // 1000) % 100:02d}")
        if i % 1000 == 0:
            os.makedirs(folder, exist_ok=True)
        size = rng.randint(0, 512)
        data = rng.randbytes(size) if i % 2 else (b"tiny file %d\n" % i) * (size // 12)
        with open(os.path.join(folder, f"f{i:07d}.dat"), "wb") as f:
            f.write(data)


def load_raw(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            rows.append(dict(zip(header, line.rstrip("\n").split("\t"))))
    return rows


def load_meta(path):
    meta = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("\t")
            meta[key] = value
    return meta


class Figure:
    """The medians of one (row, threads) over the repetitions (and the best wall time, a
    second view when other work on the machine adds noise)."""

    def __init__(self, rows):
        num = lambda k: [float(r[k]) for r in rows]
        self.n = len(rows)
        self.wall = statistics.median(num("wall"))
        self.wall_min = min(num("wall"))
        self.cpu = statistics.median([float(r["user"]) + float(r["sys"]) for r in rows])
        self.rss_mib = statistics.median(num("rss_kb")) / 1024
        self.files = statistics.median(num("files"))
        self.bytes = statistics.median(num("bytes"))
        self.scanned = statistics.median(num("scanned"))
        self.bytes_scanned = statistics.median(num("bytes_scanned"))
        extras = [dict(kv.split("=", 1) for kv in r["extra"].split() if "=" in kv) for r in rows]
        self.hash_cpu = self.extra_median(extras, "hash_cpu_s")
        self.bytes_per_s = self.extra_median(extras, "bytes_per_s")

    @staticmethod
    def extra_median(extras, key):
        if extras and all(key in e for e in extras):
            return statistics.median(float(e[key]) for e in extras)
        return None

    def files_per_s(self):
        return self.files / self.wall if self.wall > 0 else 0.0

    def mib_per_s(self):
        return self.bytes / MIB / self.wall if self.wall > 0 else 0.0


def fmt(x, digits=2):
    return "–" if x is None else f"{x:,.{digits}f}"


def verdict(ok):
    return "–" if ok is None else ("met" if ok else "**not met**")


def table(raw_path, meta_path, out_path):
    raw = load_raw(raw_path)
    meta = load_meta(meta_path)
    groups = {}
    for r in raw:
        groups.setdefault((r["row"], int(r["threads"])), []).append(r)
    fig = {key: Figure(rows) for key, rows in groups.items()}
    get = lambda row, t: fig.get((row, t))
    threads = sorted({t for (name, t) in fig if not name.startswith(("openssl", "start-up"))})
    maxt = max(threads) if threads else 1
    lines = []
    add = lines.append

    add(f"# Ratatosk throughput, {meta.get('date', '?')}")
    add("")
    add(f"- Machine: {meta.get('host', '?')}")
    add(
        f"- Corpus: make_corpus.sh scale {meta.get('scale')} — "
        f"{int(meta.get('corpus_files', 0)):,} files, "
        f"{int(meta.get('corpus_bytes', 0)) / MIB:,.1f} MiB; "
        f"medians of {meta.get('reps')} interleaved repetitions"
    )
    add(f"- Load average (1 min) before / after: {meta.get('load_before', '?')} / "
        f"{meta.get('load_after', '?')} — other work on the machine skews wall times")
    add(f"- ratatosk: {meta.get('ratatosk', '?')}; rules: embedded set + signature-base")
    add(f"- yr: {meta.get('yr', '?')}" + (f"; compile: {meta['yr_compile']}" if "yr_compile" in meta else ""))
    add("")
    add("## Whole tree")
    add("")
    add("| run | threads | wall s | (best) | files/s | MiB/s | CPU s (user+sys) | peak RSS MiB |")
    add("|---|---:|---:|---:|---:|---:|---:|---:|")
    # "hash one-pass OpenSSL" is left out: its wall time is Python's; only its digest CPU
    # time counts (goal 5).
    order = ["ratatosk --intense", "yr scan", "hash one-pass", "ratatosk default",
             "ratatosk --intense tiny", "yr scan tiny"]
    for name in order:
        for t in threads:
            f = get(name, t)
            if f is None:
                continue
            add(f"| {name} | {t} | {fmt(f.wall)} | {fmt(f.wall_min)} | {fmt(f.files_per_s(), 0)} | "
                f"{fmt(f.mib_per_s(), 1)} | {fmt(f.cpu)} | {fmt(f.rss_mib, 0)} |")
    d = get("ratatosk default", maxt)
    if d is not None and d.files:
        add("")
        add(f"Default mode (THOR's file selection) scanned {d.scanned:,.0f} of {d.files:,.0f} files "
            f"({100 * d.scanned / d.files:.1f} %) and {d.bytes_scanned / MIB:,.1f} of "
            f"{d.bytes / MIB:,.1f} MiB ({100 * d.bytes_scanned / max(d.bytes, 1):.1f} %).")

    add("")
    add("## Start-up (empty folder, 1 thread)")
    add("")
    add("| run | wall s | CPU s | peak RSS MiB |")
    add("|---|---:|---:|---:|")
    for name in ["start-up ratatosk cold", "start-up ratatosk warm", "start-up yr scan -C",
                 "start-up yr compile"]:
        f = get(name, 1)
        if f is not None:
            add(f"| {name[len('start-up '):]} | {fmt(f.wall)} | {fmt(f.cpu)} | {fmt(f.rss_mib, 0)} |")

    add("")
    add("## Ratios (goals of issue 4)")
    add("")
    add("| # | ratio | value | goal | |")
    add("|---|---|---:|---|---|")

    def ratio(a, b):
        return a / b if (a is not None and b) else None

    def ratio_row(num, label, value, goal, ok):
        add(f"| {num} | {label} | {fmt(value)} | {goal} | {verdict(None if value is None else ok(value))} |")

    r2, y2, h2 = get("ratatosk --intense", maxt), get("yr scan", maxt), get("hash one-pass", maxt)
    if r2 and y2 and h2:
        ratio_row(1, f"ratatosk --intense wall / (yr + hash) wall, {maxt} threads",
                  ratio(r2.wall, y2.wall + h2.wall), "≤ 1.10", lambda v: v <= 1.10)
    if r2 and y2 and h2:
        ratio_row(1, f"same on CPU seconds (less sensitive to other load), {maxt} threads",
                  ratio(r2.cpu, y2.cpu + h2.cpu), "(companion)", lambda v: None)
    for t in threads:
        r, y = get("ratatosk --intense", t), get("yr scan", t)
        if r and y:
            ratio_row(2, f"ratatosk / yr throughput, {t} thread(s)", ratio(y.wall, r.wall),
                      "≥ 1.0", lambda v: v >= 1.0)
    if len(threads) >= 2:
        lo, hi = threads[0], threads[-1]
        for name, goal in [("ratatosk --intense", 1.8), ("yr scan", None), ("hash one-pass", None)]:
            a, b = get(name, lo), get(name, hi)
            if a and b:
                ratio_row(3, f"{name}: {hi} threads / {lo} thread speed-up", ratio(a.wall, b.wall),
                          f"≥ {goal}" if goal else "(reference)",
                          (lambda v, g=goal: v >= g) if goal else (lambda v: None))
    warm, cold = get("start-up ratatosk warm", 1), get("start-up ratatosk cold", 1)
    yload, ycomp = get("start-up yr scan -C", 1), get("start-up yr compile", 1)
    if warm:
        ratio_row(4, "warm start s (aim 0.3 s)", warm.wall, "≤ 0.3 (aim)", lambda v: v <= 0.3)
    if warm and yload:
        ratio_row(4, "warm start / yr scan -C load", ratio(warm.wall, yload.wall), "≤ 1.0",
                  lambda v: v <= 1.0)
    if cold and ycomp:
        ratio_row(4, "cold start / yr compile", ratio(cold.wall, ycomp.wall), "≤ 1.0",
                  lambda v: v <= 1.0)
    ossl = []
    for alg in ("md5", "sha1", "sha256"):
        f = get(f"openssl {alg}", 1)
        ossl.append(f.bytes_per_s if f and f.bytes_per_s else 0)
    h1, o1 = get("hash one-pass", 1), get("hash one-pass OpenSSL", 1)
    if h1 and o1 and h1.hash_cpu and o1.hash_cpu:
        ours, theirs = h1.bytes / MIB / h1.hash_cpu, o1.bytes / MIB / o1.hash_cpu
        add(f"| 5 | one-pass hashing of the corpus, MiB/s per core (CPU time): ours {ours:,.0f}, "
            f"OpenSSL {theirs:,.0f} | {fmt(ours / theirs)} | ≥ 0.95 | {verdict(ours / theirs >= 0.95)} |")
    if all(ossl):
        add(f"| 5 | reference: `openssl speed` on 16 KiB blocks, MiB/s per core: md5 "
            f"{ossl[0] / MIB:,.0f}, sha1 {ossl[1] / MIB:,.0f}, sha256 {ossl[2] / MIB:,.0f}; "
            f"one pass {1 / sum(1 / x for x in ossl) / MIB:,.0f} | | | |")
    for t in threads:
        r, y = get("ratatosk --intense", t), get("yr scan", t)
        if r and y:
            ratio_row(6, f"peak RSS ratatosk / yr, {t} thread(s)", ratio(r.rss_mib, y.rss_mib),
                      "≤ 1.0", lambda v: v <= 1.0)
    tiny = get("ratatosk --intense tiny", maxt)
    if tiny and r2:
        ratio_row(6, f"peak RSS tiny-file tree ({tiny.files:,.0f} files) / corpus, {maxt} threads",
                  ratio(tiny.rss_mib, r2.rss_mib), "flat (≈ 1.0)", lambda v: v <= 1.1)
    if d is not None and r2:
        ratio_row(7, f"default mode / intense wall, {maxt} threads", ratio(d.wall, r2.wall),
                  "(report)", lambda v: None)
    add("")
    add("Goal 8 (filename IOCs ≤ 10 µs per path) is measured by "
        "`cargo bench -p ratatosk --bench hot_paths -- filename_iocs`.")
    text = "\n".join(lines) + "\n"
    with open(out_path, "w", encoding="utf-8") as f:
        f.write(text)
    print(text, end="")


def main(argv):
    if len(argv) == 3 and argv[1] == "summary":
        summary(argv[2])
    elif len(argv) == 4 and argv[1] == "hash-openssl":
        hash_openssl(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "tiny-tree":
        tiny_tree(argv[2], int(argv[3]))
    elif len(argv) == 5 and argv[1] == "table":
        table(argv[2], argv[3], argv[4])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
