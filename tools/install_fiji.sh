#!/usr/bin/env bash
# Installs Zoom-CAM into an existing Fiji:
#   Fiji.app/jars/     zoom-cam-fiji-<version>.jar and the DJL / PyTorch jars Fiji does not ship
#                      (api, pytorch-engine, pytorch-jni, pytorch-native-cpu for linux-x86_64)
#   Fiji.app/plugins/Zoom-CAM/   the bundled model (models/synthetic-cells) and samples, from plugins/Zoom-CAM/
#   Fiji.app/macros/Zoom-CAM/    the example macros from macros/
# Jars Fiji already has (gson, jna, commons-compress/-io/-codec, slf4j-api, ij, scijava-common, imglib2)
# are left alone. Usage: tools/install_fiji.sh /path/to/Fiji.app
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fiji="${1:?usage: tools/install_fiji.sh /path/to/Fiji.app}"
if [ ! -d "$fiji/jars" ] || [ ! -d "$fiji/plugins" ]; then
  echo "error: $fiji is not a Fiji installation (no jars/ and plugins/ folders)" >&2
  exit 2
fi
cd "$here"
build() { mvn -B -q "$@" -DskipTests package dependency:copy-dependencies -DincludeScope=runtime \
  -DexcludeArtifactIds=slf4j-simple -DoutputDirectory=target/fiji-jars; }
build -o || build
plugin_jar="$(ls target/zoom-cam-fiji-*.jar | grep -v -e sources -e javadoc -e tests | head -n 1)"
rm -f "$fiji"/jars/zoom-cam-fiji-*.jar
cp "$plugin_jar" "$fiji/jars/"
echo "jars/$(basename "$plugin_jar")"
for artifact in api pytorch-engine pytorch-jni pytorch-native-cpu; do
  for jar in target/fiji-jars/"$artifact"-[0-9]*.jar; do
    [ -e "$jar" ] || continue
    rm -f "$fiji"/jars/"$artifact"-[0-9]*.jar
    cp "$jar" "$fiji/jars/"
    echo "jars/$(basename "$jar")"
  done
done
mkdir -p "$fiji/plugins/Zoom-CAM" "$fiji/macros/Zoom-CAM"
cp -R plugins/Zoom-CAM/. "$fiji/plugins/Zoom-CAM/"
cp macros/*.ijm "$fiji/macros/Zoom-CAM/"
echo "plugins/Zoom-CAM/ (models, samples), macros/Zoom-CAM/*.ijm"
echo "installed into $fiji; restart Fiji and look under Plugins > Zoom-CAM"
