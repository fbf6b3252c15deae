#!/usr/bin/env bash
# Takes docs/screenshot-overlay.png, the README's screenshot: a real ImageJ window under Xvfb showing the
# overlay of Plugins > Zoom-CAM > Explain Image... (bundled model and sample), the heatmap stack, the
# Results table and the ROI Manager. Needs Debian's xvfb (apt-get install -y xvfb); not part of the tests.
#   tools/screenshot_fiji.sh [OUTPUT.png] [SAMPLE.tif]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$here"
out="${1:-docs/screenshot-overlay.png}"
sample="${2:-plugins/Zoom-CAM/samples/images/img_00006.tif}"
command -v xvfb-run >/dev/null || { echo "error: xvfb-run not found; apt-get install -y xvfb" >&2; exit 2; }
mvn -B -q -o -DskipTests compile dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt \
  || mvn -B -q -DskipTests compile dependency:build-classpath -DincludeScope=runtime -Dmdep.outputFile=target/classpath.txt
cp="target/classes:$(cat target/classpath.txt)"
mkdir -p target/screenshot "$(dirname "$out")"
javac -nowarn -proc:none -d target/screenshot -cp "$cp" tools/screenshot/ScreenshotOverlay.java
export ENGINE_CACHE_DIR="$here/target/djl-cache"
xvfb-run -a -s "-screen 0 1400x900x24" java -Dai.djl.offline=true -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "target/screenshot:$cp" ScreenshotOverlay "$out" "$sample"
