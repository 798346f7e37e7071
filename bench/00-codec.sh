# The NDJSON codec: the pass-through stage `hukou cat` (median of 5 runs) beside `jq -c .` (one
# run: it is single-threaded and steady) on the same 1M-record file, and their ratio.
source bench/lib.sh
f="$BENCH_DATA/codec-1m.ndjson"
if [ ! -s "$f" ]; then
  awk 'BEGIN { srand(7); for (i = 0; i < 1000000; i++) {
    printf "{\"kind\":\"person\",\"src\":\"register.csv:%d\",\"household\":\"4303210%05d\",\"name\":\"王伟%d\",\"sex\":\"男\",\"ethnicity\":\"汉族\",\"birth_date\":\"1985-03-12\",\"id_number\":\"43032119850312%04d\",\"relation\":\"户主\",\"village\":\"白石村\",\"group\":\"第3组\",\"address\":\"湘潭县花石镇白石村第3组12号\",\"education\":\"初中\",\"marital\":\"已婚\",\"station\":\"花石派出所\",\"extra\":{\"n\":%d,\"q\":\"a\\\"b\"}}\n", i + 2, i % 99999, i % 7, i % 10000, i }
  }' > "$f"
fi
bytes=$(stat -c %s "$f")
h=$(measure_median 5 "hukou cat (pass-through, 1M records)" "$bytes" 1000000 -- "$HUKOU cat $f")
echo "$h"
if command -v jq >/dev/null; then
  j=$(measure "jq -c . (same file)" "$bytes" 1000000 -- "jq -c . $f")
  echo "$j"
  awk -v h="$h" -v j="$j" 'BEGIN { split(h, a, " s "); split(j, b, " s "); n = split(a[1], x, " "); m = split(b[1], y, " ");
    printf "hukou cat is %.1f× faster than jq -c . (wall time)\n", y[m] / x[n] }'
fi
