#!/usr/bin/env bash
# Side-by-side benchmark of the resize and blur steps against libvips and ImageMagick: same input files, same run,
# both cores, every tool handling many files per process. Prints images/s, peak RSS and the ratios to vips.
# Then the detect step beside DJL's inference call and a raw ONNX Runtime session, the S3 client, the imageflow
# launcher's short commands, imageflow up's start, the local runner's own cost and a burst through the runner
# (bench/README.md). The lines starting P3, P4, P5, P6 and P8 give issue 19's goals beside the figures.
# Environment: ROUNDS (passes over the files, default 10), JAVA_OPTS (default: the memory, collector and JIT flags of
# the function images, the JVM sized as in the 1 GiB pod knative/base gives resize and filter), DETECT_ITERATIONS,
# RUNNER_DROPS, RUNNER_SETTLE, S3_CALLS, CLI_RUNS, UP_STARTS, BURST_IMAGES (default 500, the goal's), BURSTS,
# BACKUP_RUNS.
set -euo pipefail
cd "$(dirname "$0")/.."
.ci/setup >/dev/null
rounds=${ROUNDS:-10}
java_opts=${JAVA_OPTS:--XX:MaxRAM=1g -XX:MaxRAMPercentage=40 -XX:+UseSerialGC -XX:TieredStopAtLevel=1}
# Two malloc arenas, as the function images set them (pom.xml), for every tool alike: glibc's default (8 per core)
# only inflates resident memory.
export MALLOC_ARENA_MAX=2
work="$PWD/target/bench"
mkdir -p "$work"

# Peers and tools, from Debian packages.
missing=()
for pair in vipsthumbnail:libvips-tools pkg-config:pkg-config convert:imagemagick gcc:gcc; do
  command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair##*:}")
done
[ -x /usr/bin/time ] || missing+=(time)
pkg-config --exists vips 2>/dev/null || missing+=(libvips-dev)
# A stand-in 'convert' may shadow ImageMagick's: require the real one.
convert -version 2>/dev/null | grep -q ImageMagick || missing+=(imagemagick)
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
magick_mogrify=/usr/bin/mogrify

# A real camera photo: Kleiber_by_Lukas_Baubkus.jpg (6028x3391) from lomiri-wallpapers-20.04.
photo="$work/Kleiber.jpg"
if [ ! -f "$photo" ]; then
  tmp=$(mktemp -d)
  (cd "$tmp" && apt-get download -qq lomiri-wallpapers-20.04)
  dpkg-deb -x "$tmp"/lomiri-wallpapers-20.04_*.deb "$tmp/root"
  cp "$tmp/root/usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg" "$photo"
  rm -rf "$tmp"
fi

# Eight different 12 MP crops (4000x3000) and their 2 MP versions (1633x1225), all JPEG quality 92.
mkdir -p "$work/12mp" "$work/2mp"
offsets="0:0 290:55 580:110 870:165 1160:220 1450:275 1740:330 2028:391"
i=0
for xy in $offsets; do
  i=$((i + 1))
  [ -f "$work/12mp/$i.jpg" ] || vips crop "$photo" "$work/12mp/$i.jpg[Q=92]" "${xy%%:*}" "${xy##*:}" 4000 3000
  [ -f "$work/2mp/$i.jpg" ] || vips resize "$work/12mp/$i.jpg" "$work/2mp/$i.jpg[Q=92]" 0.40825
done
big=("$work"/12mp/*.jpg)
small=("$work"/2mp/*.jpg)

./mvnw -q -DskipTests package -pl bench -am
read -r -a vips_flags <<< "$(pkg-config --cflags --libs vips)"
gcc -O2 -o "$work/vips_blur" bench/peers/vips_blur.c "${vips_flags[@]}"
classpath="bench/target/classes:$(cat bench/target/classpath.txt)"
java="$(sed -n 's/^java.version=//p' .mvn/wrapper.properties)"
java_home=$(ls -d /usr/lib/jvm/temurin-"$java"-jdk-* | head -n 1)

repeat() { local n=$1; shift; for ((r = 0; r < n; r++)); do printf '%s\n' "$@"; done; }

# Runs two processes side by side (one per core), each over half the files, ROUNDS times; prints
# "<images> <seconds> <peak RSS MB of both together>".
pair() {
  local tool=$1 files=("${@:2}") half=$(((${#@} - 1) / 2))
  local a=("${files[@]:0:$half}") b=("${files[@]:$half}") out="$work/out-$tool"
  mkdir -p "$out/a" "$out/b"
  local start end
  start=$(date +%s.%N)
  "$tool" a "$out/a" "${a[@]}" & local pa=$!
  "$tool" b "$out/b" "${b[@]}" & local pb=$!
  wait $pa $pb
  end=$(date +%s.%N)
  awk -v n=$((${#files[@]} * rounds)) -v s="$start" -v e="$end" -v ra="$(cat "$out/a.rss")" -v rb="$(cat "$out/b.rss")" \
    'BEGIN { printf "%d %.3f %.1f\n", n, e - s, (ra + rb) / 1024 }'
}
vipsthumbnail_tool() { local files; mapfile -t files < <(repeat "$rounds" "${@:3}"); /usr/bin/time -f %M -o "$2.rss" vipsthumbnail -s 800x600 -o "$2/%s.jpg[Q=85]" "${files[@]}"; }
vipsblur_tool() { /usr/bin/time -f %M -o "$2.rss" "$work/vips_blur" 2 "$rounds" "$2" "${@:3}"; }
magick_resize_tool() { local files; mapfile -t files < <(repeat "$rounds" "${@:3}"); /usr/bin/time -f %M -o "$2.rss" "$magick_mogrify" -path "$2" -resize 800x600 -quality 85 "${files[@]}"; }
magick_blur_tool() { local files; mapfile -t files < <(repeat "$rounds" "${@:3}"); /usr/bin/time -f %M -o "$2.rss" "$magick_mogrify" -path "$2" -gaussian-blur 0x2 -quality 85 "${files[@]}"; }

# Ours: one warm JVM serving two images at a time (the function's parallelism), timed after a warm-up round.
ours() {
  local operation=$1 out="$work/out-imageflow-$1"; shift
  mkdir -p "$out"
  local line
  line=$(/usr/bin/time -f %M -o "$out.rss" "$java_home/bin/java" --enable-native-access=ALL-UNNAMED $java_opts \
    -cp "$classpath" io.imageflowcanvas.bench.StepBench "$operation" 2 "$rounds" "$out" "$@")
  awk -v line="$line" -v rss="$(cat "$out.rss")" 'BEGIN { split(line, kv, /[ =]/); printf "%d %.3f %.1f\n", kv[2], kv[4], rss / 1024 }'
}

results=()
record() { results+=("$1 $2 $3"); echo "  $1 $2: $3" >&2; }
echo "resize: ${#big[@]} files of 12 MP -> fit 800x600 q85, $rounds rounds, 2 cores" >&2
record resize imageflow "$(ours resize "${big[@]}")"
record resize vipsthumbnail "$(pair vipsthumbnail_tool "${big[@]}")"
record resize imagemagick "$(pair magick_resize_tool "${big[@]}")"
echo "blur: ${#small[@]} files of 2 MP, gaussian sigma 2, q85, $rounds rounds, 2 cores" >&2
record blur imageflow "$(ours blur "${small[@]}")"
record blur vips "$(pair vipsblur_tool "${small[@]}")"
record blur imagemagick "$(pair magick_blur_tool "${small[@]}")"

printf '%s\n' "${results[@]}" | awk '
  { op[NR] = $1; tool[NR] = $2; n[NR] = $3; s[NR] = $4; rss[NR] = $5; rate[NR] = $3 / $4
    if ($2 ~ /^vips/) { vrate[$1] = $3 / $4; vrss[$1] = $5 } }
  END {
    printf "\n%-8s %-14s %8s %9s %10s %12s %11s %9s\n", "step", "tool", "images", "seconds", "images/s", "peak RSS MB", "x vips i/s", "x vips RSS"
    for (i = 1; i <= NR; i++)
      printf "%-8s %-14s %8d %9.2f %10.1f %12.1f %11.2f %9.2f\n", op[i], tool[i], n[i], s[i], rate[i], rss[i], rate[i] / vrate[op[i]], rss[i] / vrss[op[i]]
    for (i = 1; i <= NR; i++) if (tool[i] == "imageflow") {
      printf "%s: imageflow/vips throughput %.2fx, peak RSS %.2fx\n", op[i], rate[i] / vrate[op[i]], rss[i] / vrss[op[i]]
      p3 = p3 sprintf("%s%s peak RSS %.2fx vips (goal <= %s) at %.2fx its throughput", p3 == "" ? "" : ", ", op[i],
        rss[i] / vrss[op[i]], op[i] == "resize" ? "1.2x" : "1.3x", rate[i] / vrate[op[i]])
    }
    printf "P3 memory: %s\n", p3
  }'

# Detect: the whole step and DJL's inference call against a raw ONNX Runtime session, same model, same image.
echo
"$java_home/bin/java" --enable-native-access=ALL-UNNAMED -cp "$classpath" io.imageflowcanvas.bench.DetectBench \
  .cache/models centernet .cache/photos/dog.jpg "${DETECT_ITERATIONS:-50}" 2>/dev/null | grep -v '^[0-9{]'

# Detection quality: what detect finds at its default settings in the photos whose objects are known.
echo
"$java_home/bin/java" --enable-native-access=ALL-UNNAMED -cp "$classpath" io.imageflowcanvas.bench.DetectRecall \
  .cache/models centernet 2>/dev/null | grep -v '^[0-9{]'

# The S3 clients of the runner (MinioClients) and of the functions and the CLI (S3Client), beside the MinIO
# SDK's default, on one S3 server.
echo
"$java_home/bin/java" -cp "$classpath" io.imageflowcanvas.bench.S3ClientBench "${S3_CALLS:-100}" 2>/dev/null \
  | grep -v '^[0-9{]'

# The imageflow launcher's short commands, as a user runs them from another folder.
echo
"$java_home/bin/java" -cp "$classpath" io.imageflowcanvas.bench.CliBench ./imageflow \
  triggers/pipeline/src/main/resources/io/imageflowcanvas/pipeline/default-pipeline.json .cache/photos/dog.jpg \
  "${CLI_RUNS:-7}" 2>/dev/null | grep -v '^[0-9{]'
# imageflow up to its banner, with the AOT cache the build trained for it and without (CliBench built the CLI).
"$java_home/bin/java" -cp "$classpath" io.imageflowcanvas.bench.UpStartBench . "${UP_STARTS:-5}"

# The local runner: drop-to-start latency and orchestration overhead per step, on real drops, just started and
# again after RUNNER_SETTLE drops more. It runs as imageflow up runs it (bench/as-up.sh: up's class path, AOT cache
# and ONNX Runtime libraries; UpStartBench's launcher made the cache again if a jar had changed).
echo
bench/as-up.sh "$java_home" "$classpath" io.imageflowcanvas.bench.RunnerBench .cache/models .cache/photos/dog.jpg \
  "${RUNNER_DROPS:-100}" "${RUNNER_SETTLE:-300}" 2>/dev/null | grep -v '^[0-9{]'

# A burst of drops through the local runner beside what the same steps do sharing the cores (bench/hardening.sh
# prints the same with the fault suites), as imageflow up runs, like RunnerBench above.
echo
bench/as-up.sh "$java_home" "$classpath" io.imageflowcanvas.bench.BurstBench .cache/models "${BURST_IMAGES:-500}" \
  .cache/photos/dog.jpg .cache/photos/horses.jpg .cache/photos/person.jpg .cache/photos/scream.jpg 2>/dev/null \
  | grep -v '^[0-9{]'

# Backup and restore of the local runner (docs/backup.md): a data folder of BACKUP_RUNS runs and twice as many
# objects backed up, wiped, restored and started again, beside a plain copy of it.
echo
"$java_home/bin/java" --enable-native-access=ALL-UNNAMED -cp "$classpath" io.imageflowcanvas.bench.BackupBench \
  .cache/models .cache/photos/dog.jpg "${BACKUP_RUNS:-1000}" 2>/dev/null | grep -v '^[0-9{]'
