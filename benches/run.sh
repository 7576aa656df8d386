#!/usr/bin/env bash
# run.sh - the whole-tree throughput harness of issue 4.
#
# Usage: benches/run.sh [SCALE] [REPS]
#
#   SCALE  corpus scale in percent for make_corpus.sh (default 10: ~150 MB, ~3k files;
#          100 gives ~1.5 GB in ~30k files).
#   REPS   repetitions (default 3); every figure is the median over them.
#
# Builds (or reuses) the corpus under $BENCH_DIR/corpus-SCALE, builds the release binary and
# the hash_tree example, then runs, interleaved in each repetition and at each thread count
# of $THREADS (default "1 2"):
#   ratatosk --intense   full signature-base, VirusTotal off, JSONL to a file, warm rules cache
#   yr scan -C           the same rule files compiled once by `yr compile` (skipped, saying
#                        how to get yr, when it is not installed)
#   hash_tree            one-pass MD5+SHA-1+SHA-256 of the same files (the project's reader)
#                        and, at one thread, the same with OpenSSL (Python's hashlib)
# plus ratatosk's default mode (THOR's file selection) at the highest thread count, and the
# start-up rows on an empty folder: ratatosk cold (empty rules cache) and warm, `yr scan -C`,
# `yr compile`, and `openssl speed` for each digest as a second hashing reference. Each timed
# run on a tree is preceded by an untimed read of that tree, so no tool pays for the disk.
#
# Environment:
#   BENCH_DIR         work folder (default /tmp/ratatosk-bench); results-DATE.md lands there
#   CARGO_TARGET_DIR  cargo's target folder (default ~/.cargo/ratatosk-target)
#   THREADS           thread counts (default "1 2")
#   YR                the yr binary (default: `yr` on PATH, else ~/.cargo/bin/yr)
#   SIGBASE           signature-base folder (default ../shared/bench/signature-base)
#   MAKE_CORPUS       corpus builder (default ../shared/bench/make_corpus.sh)
#   TINY_FILES        N > 0 also scans a tree of N tiny files (peak RSS must stay flat; try
#                     1000000 for the 1M-file check: several minutes)
#   NO_BUILD=1        use the binaries already built
set -euo pipefail

if [[ "${1:-}" == "-h" || "${1:-}" == "--help" ]]; then
  awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
  exit 0
fi
SCALE=${1:-10}
REPS=${2:-3}
[[ "$SCALE" =~ ^[0-9]+$ && "$REPS" =~ ^[1-9][0-9]*$ ]] || {
  echo "run.sh: SCALE and REPS must be positive integers" >&2
  exit 2
}

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$HERE")
BENCH_DIR=${BENCH_DIR:-/tmp/ratatosk-bench}
SIGBASE=${SIGBASE:-$REPO/../shared/bench/signature-base}
MAKE_CORPUS=${MAKE_CORPUS:-$REPO/../shared/bench/make_corpus.sh}
THREADS=${THREADS:-"1 2"}
TINY_FILES=${TINY_FILES:-0}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$HOME/.cargo/ratatosk-target}
YR=${YR:-$(command -v yr || echo "$HOME/.cargo/bin/yr")}
TIME=/usr/bin/time
MAXT=$(tr ' ' '\n' <<<"$THREADS" | sort -n | tail -1)

# Settings from the environment would change what is measured (a VirusTotal key above all).
while read -r var; do unset "$var"; done < <(compgen -e | grep '^RATATOSK_' || true)

say() { printf '[run.sh] %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

[[ -x $TIME ]] || die "$TIME missing: apt-get install time"
command -v python3 >/dev/null || die "python3 missing"
[[ -d $SIGBASE/yara ]] || die "signature-base not found at $SIGBASE (set SIGBASE)"
SIGBASE=$(cd "$SIGBASE" && pwd)
mkdir -p "$BENCH_DIR"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)

# ------------------------------------------------------------------ corpus
CORPUS=$BENCH_DIR/corpus-$SCALE
TREE=$CORPUS/tree
if [[ -f $CORPUS/summary.txt ]] &&
  grep -qx "scale_percent	$SCALE" "$CORPUS/summary.txt"; then
  say "reusing corpus $CORPUS"
else
  rm -rf "$CORPUS"
  say "building corpus $CORPUS (scale $SCALE)"
  "$MAKE_CORPUS" "$CORPUS" "$SCALE" >&2
fi
CORPUS_FILES=$(awk -F'\t' '$1=="files"{print $2}' "$CORPUS/summary.txt")
CORPUS_BYTES=$(awk -F'\t' '$1=="bytes"{print $2}' "$CORPUS/summary.txt")

# ------------------------------------------------------------------ binaries
if [[ -z "${NO_BUILD:-}" ]]; then
  say "building the release binary and hash_tree (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
  (cd "$REPO" && cargo build --release -p ratatosk-actors >&2 &&
    cargo build --release -p ratatosk --example hash_tree >&2)
fi
# Snapshot the binaries: other builds into the shared target folder must not swap them mid-run.
BIN=$BENCH_DIR/bin
mkdir -p "$BIN"
cp "$CARGO_TARGET_DIR/release/ratatosk" "$BIN/ratatosk"
cp "$CARGO_TARGET_DIR/release/examples/hash_tree" "$BIN/hash_tree"
RAT=$BIN/ratatosk
HASH_TREE=$BIN/hash_tree

RUN=$BENCH_DIR/run-$(date +%Y%m%d-%H%M%S)
mkdir -p "$RUN"
RAW=$RUN/raw.tsv
META=$RUN/meta.tsv
printf 'row\tthreads\trep\twall\tuser\tsys\trss_kb\tfiles\tbytes\tscanned\tbytes_scanned\textra\n' >"$RAW"
meta() { printf '%s\t%s\n' "$1" "$2" >>"$META"; }
: >"$META"
meta date "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
meta host "$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
meta load_before "$(cut -d' ' -f1 /proc/loadavg)"
meta scale "$SCALE"
meta reps "$REPS"
meta corpus_files "$CORPUS_FILES"
meta corpus_bytes "$CORPUS_BYTES"
meta ratatosk "$("$RAT" --version 2>/dev/null | head -1) ($(git -C "$REPO" describe --always --dirty 2>/dev/null || echo unknown))"
# The binary runs from an empty working folder: no ./custom-signatures, no templates.
cd "$RUN"

# ------------------------------------------------------------------ measuring
# measure OK_RC CMD...: runs CMD under /usr/bin/time, output discarded unless it fails; sets
# T_WALL T_USER T_SYS T_RSS. Exit statuses up to OK_RC count as success (ratatosk exits 1
# when it reports a warning or an alert, which the planted files cause).
measure() {
  local ok_rc=$1 rc=0
  shift
  "$TIME" -f '%e %U %S %M' -o "$RUN/time.out" "$@" >"$RUN/cmd.out" 2>"$RUN/cmd.err" || rc=$?
  if ((rc > ok_rc)); then
    say "failed (exit $rc): $*"
    tail -20 "$RUN/cmd.err" >&2
    exit 1
  fi
  read -r T_WALL T_USER T_SYS T_RSS < <(tail -1 "$RUN/time.out")
}

# warm TREE: reads every file of TREE once, untimed, right before a timed run on it. The
# kernel may drop cold pages between runs (this VM runs DAMON-based reclaim: a tree read
# minutes ago can be half gone), and whichever tool ran first after a pause paid for the disk
# (seen: ratatosk 1 thread 55.9 s wall on 50.1 CPU s right after the tiny-tree rows, yr 47.8 s
# after it on the pages ratatosk had brought back).
warm() {
  find "$1" -type f -print0 | xargs -0 cat >/dev/null 2>&1 || true
}

# measure_tree TREE OK_RC CMD...: warm TREE, then measure CMD (every timed run on a tree).
measure_tree() {
  warm "$1"
  shift
  measure "$@"
}

# row ROW THREADS REP FILES BYTES SCANNED BYTES_SCANNED [EXTRA]: appends the last measure.
row() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" \
    "$T_WALL" "$T_USER" "$T_SYS" "$T_RSS" "$4" "$5" "$6" "$7" "${8:-}" >>"$RAW"
  say "$(printf '%-28s t=%s rep=%s wall=%ss cpu=%s+%ss rss=%sKB' "$1" "$2" "$3" \
    "$T_WALL" "$T_USER" "$T_SYS" "$T_RSS")"
}

CACHE=$BENCH_DIR/rules-cache
JSONL=$RUN/scan.jsonl
# ratatosk_scan ROW THREADS REP TREE [FLAGS...]: one scan, recorded with the JSONL summary.
ratatosk_scan() {
  local name=$1 threads=$2 rep=$3 tree=$4
  shift 4
  rm -f "$JSONL"
  measure_tree "$tree" 1 "$RAT" "$@" --signatures "$SIGBASE" -p "$tree" --threads "$threads" \
    --noprocs --silent --noprogress --nolog --jsonfile "$JSONL" --rules-cache "$CACHE"
  local s
  s=$(python3 "$HERE/report.py" summary "$JSONL")
  # shellcheck disable=SC2086 # s is "seen scanned bytes_scanned"
  set -- $s
  row "$name" "$threads" "$rep" "$1" "$CORPUS_BYTES" "$2" "$3"
}

# ------------------------------------------------------------------ yr
HAVE_YR=
COMPILED=$BENCH_DIR/yr-rules.yarc
YR_DEFS=(-d 'filename=""' -d 'filepath=""' -d 'extension=""' -d 'filetype=""' -d 'owner=""'
  -d 'md5=""')
# Each rule file in its own namespace, as ratatosk compiles them; the embedded rules too.
YR_SOURCES=(--path-as-namespace "$REPO/rules" "$SIGBASE/yara")
if [[ -x $YR ]]; then
  HAVE_YR=1
  meta yr "$("$YR" --version 2>/dev/null | head -1)"
  say "compiling the rules once with yr compile"
  if "$YR" compile "${YR_DEFS[@]}" "${YR_SOURCES[@]}" -o "$COMPILED" \
    >"$RUN/yr-compile.out" 2>&1; then
    meta yr_compile "each file in its own namespace (--path-as-namespace), embedded rules/ included"
  else
    say "yr compile failed on some rule file; retrying with --ignore-invalid-rules"
    tail -5 "$RUN/yr-compile.out" >&2
    YR_SOURCES=(--ignore-invalid-rules "${YR_SOURCES[@]}")
    "$YR" compile "${YR_DEFS[@]}" "${YR_SOURCES[@]}" -o "$COMPILED" \
      >"$RUN/yr-compile.out" 2>&1 || die "yr compile failed: see $RUN/yr-compile.out"
    meta yr_compile "each file in its own namespace (--path-as-namespace), embedded rules/ included, --ignore-invalid-rules"
  fi
else
  say "yr not found ($YR): its rows are skipped. Install it with"
  say "  cargo install yara-x-cli --locked    (about 25 minutes on two cores)"
  meta yr "missing: cargo install yara-x-cli --locked"
fi

# ------------------------------------------------------------------ OpenSSL reference
# openssl_rows REP: OpenSSL's MD5, SHA-1 and SHA-256 speed on 16 KiB blocks, one row each.
# `-mr` prints "+F:index:alg:bytes_per_second"; openssl measures user CPU time, so this is a
# per-core figure.
openssl_rows() {
  command -v openssl >/dev/null || return 0
  local alg bps
  for alg in md5 sha1 sha256; do
    bps=$(openssl speed -mr -seconds 1 -bytes 16384 -evp "$alg" 2>/dev/null |
      awk -F: '$1=="+F"{print $4}' | tail -1)
    printf '%s\t1\t%s\t0\t0\t0\t0\t0\t0\t0\t0\tbytes_per_s=%s\n' "openssl $alg" "$1" \
      "${bps:-0}" >>"$RAW"
  done
}
if command -v openssl >/dev/null; then
  meta openssl_version "$(openssl version)"
fi

# ------------------------------------------------------------------ warm-up (untimed)
EMPTY=$BENCH_DIR/empty
mkdir -p "$EMPTY"
say "warm-up: rules cache and page cache"
measure 1 "$RAT" --intense --signatures "$SIGBASE" -p "$TREE" --threads "$MAXT" --noprocs \
  --silent --noprogress --nolog --jsonfile "$JSONL" --rules-cache "$CACHE"
if [[ -n $HAVE_YR ]]; then
  measure 0 "$YR" scan -r -p "$MAXT" --disable-console-logs -C "$COMPILED" "$TREE"
fi

if ((TINY_FILES > 0)); then
  TINY=$BENCH_DIR/tiny-$TINY_FILES
  if [[ ! -f $TINY/done ]]; then
    say "building $TINY_FILES tiny files under $TINY"
    rm -rf "$TINY"
    python3 "$HERE/report.py" tiny-tree "$TINY/tree" "$TINY_FILES"
    touch "$TINY/done"
  fi
  TINY_BYTES=$(du -sb --apparent-size "$TINY/tree" | cut -f1)
fi

# ------------------------------------------------------------------ the runs
for rep in $(seq 1 "$REPS"); do
  say "repetition $rep of $REPS"
  for t in $THREADS; do
    ratatosk_scan "ratatosk --intense" "$t" "$rep" "$TREE" --intense
    if [[ -n $HAVE_YR ]]; then
      measure_tree "$TREE" 0 "$YR" scan -r -p "$t" --disable-console-logs -C "$COMPILED" "$TREE"
      row "yr scan" "$t" "$rep" "$CORPUS_FILES" "$CORPUS_BYTES" "$CORPUS_FILES" "$CORPUS_BYTES"
    fi
    measure_tree "$TREE" 0 "$HASH_TREE" "$TREE" --threads "$t" --list "$CORPUS/manifest.tsv"
    hash_line=$(cat "$RUN/cmd.out")
    hfiles=$(sed -n 's/.*files=\([0-9]*\) .*/\1/p' <<<"$hash_line")
    hbytes=$(sed -n 's/.* bytes=\([0-9]*\) .*/\1/p' <<<"$hash_line")
    hcpu=$(sed -n 's/.*hash_cpu_s=\([0-9.]*\) .*/\1/p' <<<"$hash_line")
    row "hash one-pass" "$t" "$rep" "$hfiles" "$hbytes" "$hfiles" "$hbytes" "hash_cpu_s=$hcpu"
  done
  ratatosk_scan "ratatosk default" "$MAXT" "$rep" "$TREE"
  # OpenSSL's one-pass figure on the same files (Python's hashlib is OpenSSL), one thread.
  measure_tree "$TREE" 0 python3 "$HERE/report.py" hash-openssl "$TREE" "$CORPUS/manifest.tsv"
  hcpu=$(sed -n 's/.*hash_cpu_s=\([0-9.]*\) .*/\1/p' "$RUN/cmd.out")
  row "hash one-pass OpenSSL" 1 "$rep" "$CORPUS_FILES" "$CORPUS_BYTES" "$CORPUS_FILES" \
    "$CORPUS_BYTES" "hash_cpu_s=$hcpu"
  openssl_rows "$rep"
  if ((TINY_FILES > 0)); then
    rm -f "$JSONL"
    measure_tree "$TINY/tree" 1 "$RAT" --intense --signatures "$SIGBASE" -p "$TINY/tree" \
      --threads "$MAXT" --noprocs --silent --noprogress --nolog --jsonfile "$JSONL" \
      --rules-cache "$CACHE"
    row "ratatosk --intense tiny" "$MAXT" "$rep" "$TINY_FILES" "$TINY_BYTES" "$TINY_FILES" "$TINY_BYTES"
    if [[ -n $HAVE_YR ]]; then
      measure_tree "$TINY/tree" 0 "$YR" scan -r -p "$MAXT" --disable-console-logs \
        -C "$COMPILED" "$TINY/tree"
      row "yr scan tiny" "$MAXT" "$rep" "$TINY_FILES" "$TINY_BYTES" "$TINY_FILES" "$TINY_BYTES"
    fi
  fi
  # Start-up: an empty folder, one thread. Cold: a fresh, empty rules cache.
  cold=$RUN/cold-cache
  rm -rf "$cold"
  measure 1 "$RAT" --intense --signatures "$SIGBASE" -p "$EMPTY" --threads 1 --noprocs \
    --silent --noprogress --nolog --jsonfile "$JSONL" --rules-cache "$cold"
  row "start-up ratatosk cold" 1 "$rep" 0 0 0 0
  rm -rf "$cold"
  measure 1 "$RAT" --intense --signatures "$SIGBASE" -p "$EMPTY" --threads 1 --noprocs \
    --silent --noprogress --nolog --jsonfile "$JSONL" --rules-cache "$CACHE"
  row "start-up ratatosk warm" 1 "$rep" 0 0 0 0
  if [[ -n $HAVE_YR ]]; then
    measure 0 "$YR" scan -r -p 1 --disable-console-logs -C "$COMPILED" "$EMPTY"
    row "start-up yr scan -C" 1 "$rep" 0 0 0 0
    measure 0 "$YR" compile "${YR_DEFS[@]}" "${YR_SOURCES[@]}" -o "$RUN/compile-check.yarc"
    row "start-up yr compile" 1 "$rep" 0 0 0 0
  fi
done

# ------------------------------------------------------------------ report
meta load_after "$(cut -d' ' -f1 /proc/loadavg)"
OUT=$BENCH_DIR/results-$(date +%Y%m%d-%H%M%S).md
python3 "$HERE/report.py" table "$RAW" "$META" "$OUT"
say "raw figures: $RAW"
say "table saved: $OUT"
