# `hukou synth`: a county of 1M and of 10M persons (register CSV/XML, lists, truth) from scratch,
# with the bytes written, persons per second and peak RSS: memory stays flat from 1M to 10M.
source bench/lib.sh
for n in 1000000 10000000; do
  dir="$BENCH_DATA/synth-bench-$n"
  rm -rf "$dir"
  # measure wants the byte count up front: a first run sizes it (once), the timed run regenerates.
  if [ ! -s "$BENCH_DATA/synth-bench-$n.bytes" ]; then
    "$HUKOU" synth --seed 1 --persons "$n" --out "$dir" --quiet
    du -sb "$dir" | cut -f1 > "$BENCH_DATA/synth-bench-$n.bytes"
    rm -rf "$dir"
  fi
  bytes=$(cat "$BENCH_DATA/synth-bench-$n.bytes")
  measure "hukou synth, $((n / 1000000))M persons ($((bytes / 1000000)) MB out)" "$bytes" "$n" -- "$HUKOU synth --seed 1 --persons $n --out $dir --quiet"
  rm -rf "$dir"
done
