# Ingest: a 1M-row register CSV in UTF-8 and in GB18030 (CRLF, quoted fields), and a large XML
# export (1 GB by default, INGEST_XML_MB to change), each read into NDJSON. Data is generated
# once into $BENCH_DATA and reused.
source bench/lib.sh
csv="$BENCH_DATA/ingest-1m.csv"
gb="$BENCH_DATA/ingest-1m-gb18030.csv"
xml_mb="${INGEST_XML_MB:-1024}"
xml="$BENCH_DATA/ingest-${xml_mb}mb.xml"

if [ ! -s "$csv" ]; then
  LC_ALL=C awk 'BEGIN {
    srand(11); ORS = "\r\n"
    split("王伟 李娜 张敏 刘洋 陈静 杨帆 赵磊 黄丽 周强 吴芳 欧阳建国 阿依古丽·买买提", nm, " ")
    split("户主 配偶 子 女 孙子 孙女 母亲", rel, " ")
    split("白石村 龙口村 石门村 花石社区", vil, " ")
    print "户号,姓名,性别,民族,出生日期,公民身份号码,与户主关系,村(居)委会,村民小组,住址,文化程度,婚姻状况,派出所,户口类别"
    for (i = 0; i < 1000000; i++) {
      hh = int(i / 4); v = vil[hh % 4 + 1]; g = hh % 9 + 1
      addr = "湘潭县花石镇" v "第" g "组" (hh % 97) "号"
      if (i % 50 == 0) addr = "\"" addr "，老屋场\n（原茶园组）\""
      else if (i % 77 == 0) addr = "\"" addr ", 东屋\""
      printf "4303210%05d,%s,%s,汉族,19%02d-%02d-%02d,43032119%02d%02d%02d%03d%d,%s,%s,第%d组,%s,初中,已婚,花石派出所,农业%s",
        hh % 100000, nm[i % 12 + 1], (i % 2 ? "男" : "女"), 40 + i % 60, i % 12 + 1, i % 28 + 1,
        40 + i % 60, i % 12 + 1, i % 28 + 1, i % 1000, i % 10, rel[i % 7 + 1], v, g, addr, ORS
    }
  }' > "$csv"
fi
[ -s "$gb" ] || iconv -f UTF-8 -t GB18030 "$csv" > "$gb"

if [ ! -s "$xml" ]; then
  LC_ALL=C awk -v mb="$xml_mb" 'BEGIN {
    srand(13)
    split("王伟 李娜 张敏 刘洋 陈静 杨帆 赵磊 黄丽 周强 吴芳 欧阳建国 马丽·艾力", nm, " ")
    split("户主 配偶 子 女 孙子 孙女 母亲", rel, " ")
    print "<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
    print "<常住人口 派出所=\"花石派出所\">"
    limit = mb * 1048576; bytes = 0; n = 0
    for (hh = 0; bytes < limit; hh++) {
      s = sprintf("  <户 户号=\"4303210%07d\">\n", hh)
      for (k = 0; k < 4; k++) {
        s = s sprintf("    <人员>\n      <姓名>%s</姓名><性别>%s</性别><民族>汉族</民族><出生日期>19%02d-%02d-%02d</出生日期>\n      <公民身份号码>43032119%02d%02d%02d%03d%d</公民身份号码><与户主关系>%s</与户主关系>\n      <村居委会>白石村</村居委会><村民小组>第%d组</村民小组><住址>湘潭县花石镇白石村第%d组%d号</住址>\n      <文化程度>初中毕业</文化程度><婚姻状况>已婚</婚姻状况><户口类别>农业</户口类别>\n    </人员>\n",
          nm[n % 12 + 1], (n % 2 ? "男" : "女"), 40 + n % 60, n % 12 + 1, n % 28 + 1,
          40 + n % 60, n % 12 + 1, n % 28 + 1, n % 1000, n % 10, rel[k + 1], hh % 9 + 1, hh % 9 + 1, hh % 97)
        n++
      }
      s = s "  </户>\n"
      printf "%s", s
      bytes += length(s)   # bytes: awk runs with LC_ALL=C
    }
    print "</常住人口>"
    print n > "/dev/stderr"
  }' > "$xml" 2> "$xml.count"
fi

rows=1000000
measure "hukou ingest CSV UTF-8 (1M rows)" "$(stat -c %s "$csv")" "$rows" -- "$HUKOU ingest $csv"
measure "hukou ingest CSV GB18030 (1M rows)" "$(stat -c %s "$gb")" "$rows" -- "$HUKOU ingest $gb"
measure "hukou ingest XML ($(( $(stat -c %s "$xml") / 1048576 )) MB)" "$(stat -c %s "$xml")" "$(cat "$xml.count")" -- "$HUKOU ingest $xml"
