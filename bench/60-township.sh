# The whole township pipeline on a synthetic 1M-person county with its four lists: every stage in
# one process (`hukou run`), wall time and peak RSS (goal ≤ 60 s, ≤ 2 GB on 2 cores), then the
# accuracy of the findings with `hukou score` (orders consume the findings, so scoring reruns
# the chain up to crosscheck).
source bench/lib.sh
n=${TOWNSHIP_N:-1000000}
dir=$(county "$n") || exit 1
regs=$(ls "$dir"/register_*.csv "$dir"/register_*.xml | tr '\n' ' ')
bytes=$(cat $regs | wc -c)
stages=$("$HUKOU" --help | awk '/^ +(normalize|validate|match) /{print $1}' | tr '\n' ' ')
y="$dir/township.yaml"
{
  echo "description: the township pipeline on $dir"
  echo "steps:"
  echo "  - ingest: [$(echo $regs | sed 's/ /, /g')]"
  for s in $stages; do echo "  - $s"; done
  echo "  - crosscheck: {deaths: $dir/deaths.csv, enlistments: $dir/enlistments.csv, emigrations: $dir/emigrations.csv, births: $dir/births.csv}"
  echo "  - orders"
  echo "  - report: {out: $dir/report}"
} > "$y"
echo "chain: ingest ${stages}crosscheck orders report"
measure "township pipeline, $((n / 1000))k persons" "$bytes" "$n" -- "$HUKOU run $y"
head -n -2 "$y" > "$dir/upto-crosscheck.yaml"
"$HUKOU" run "$dir/upto-crosscheck.yaml" | grep '"kind":"finding"' > "$dir/findings.ndjson"
"$HUKOU" score --truth "$dir/truth.ndjson" "$dir/findings.ndjson"
