#!/usr/bin/env bash
# `make fuzz`: each stream decoder under libFuzzer for FUZZ_SECONDS (default 60) each, its
# corpus seeded from the recorded streams (../shared/conformance/streams, when present) and
# the written transcripts. cargo-fuzz needs nightly flags: RUSTC_BOOTSTRAP=1 lets the stable
# toolchain (the only one here) take them.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
command -v cargo-fuzz >/dev/null || cargo install --locked --quiet cargo-fuzz
export RUSTC_BOOTSTRAP=1

seed() { # target, file patterns...
  local dir="target/fuzz-corpus/$1"; shift
  mkdir -p "$dir"
  for f in "$@"; do
    [ -f "$f" ] || continue
    # The first byte of an input picks where the body is split.
    { printf '\x11'; cat "$f"; } > "$dir/$(basename "$f").seed"
  done
}
streams=../shared/conformance/streams
transcripts=src-tauri/providers/tests/providers/transcripts
[ -d "$streams" ] || echo "fuzz: $streams is absent; seeding from the written transcripts only"
seed openai_chat "$streams"/openai_chat_*.sse "$streams"/ollama_*.sse "$streams"/groq_*.sse "$streams"/openrouter_*.sse "$transcripts"/openai_*.sse
seed anthropic "$streams"/anthropic_*.sse "$transcripts"/anthropic_*.sse
seed openai_responses "$streams"/openai_responses_*.sse

for target in openai_chat anthropic openai_responses; do
  echo "fuzz: $target for ${seconds}s"
  cargo fuzz run --fuzz-dir src-tauri/providers/fuzz -O "$target" "target/fuzz-corpus/$target" -- \
    -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 2>&1 | grep -E "^(stat::|Done|==|SUMMARY|INFO: seed corpus)" || true
  if [ -d "src-tauri/providers/fuzz/artifacts/$target" ] && [ -n "$(ls -A "src-tauri/providers/fuzz/artifacts/$target" 2>/dev/null)" ]; then
    echo "fuzz: $target found a crash: src-tauri/providers/fuzz/artifacts/$target" >&2
    exit 1
  fi
done
