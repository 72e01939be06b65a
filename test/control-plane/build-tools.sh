#!/usr/bin/env bash
# Builds the upstream tools of the control-plane test platform (issue 11) from the Go module proxy into the
# git-ignored cache .cache/tools/<name>-<version>/bin, at the versions pinned in clusters/versions.yaml (testTools).
#
#   test/control-plane/build-tools.sh                 # the control plane: kubernetes (apiserver, controller-manager,
#                                                     # scheduler, kubectl), etcd, kwok
#   test/control-plane/build-tools.sh --mesh-clis     # also try helm, cilium-cli, istioctl, linkerd
#   test/control-plane/build-tools.sh <name>...       # only these (kubernetes etcd kwok cilium_crds helm cilium
#                                                     # istioctl linkerd)
#
# Idempotent: a tool whose bin/.stamp names the same module, version and packages is not rebuilt (a warm cache costs
# seconds). GOCACHE and GOMODCACHE stay at the machine defaults so a warm machine builds fast. Each build is a small
# wrapper module generated in the cache (never committed): k8s.io/kubernetes, etcd's server module and others carry
# `replace` directives, so `go install <pkg>@<version>` refuses them (https://go.dev/ref/mod#go-install: "no
# replace or exclude directives"); a wrapper that requires the module builds it with its published dependencies.
# A failed build leaves no stamp and its log in .cache/tools/logs/<name>.log; the exit code is 1 if a control-plane
# tool failed, 0 when only a mesh CLI failed (those are tried, not required: their status is in status.tsv).
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
CACHE="${MESH_BENCH_TOOLS_CACHE:-$ROOT/.cache/tools}"
GO="${GO:-$(command -v go || echo /usr/local/go/bin/go)}"
if [ ! -x "$GO" ] && ! command -v "$GO" >/dev/null 2>&1; then
  echo "build-tools: no Go toolchain (set GO or put go on PATH); nothing built" >&2
  exit 3
fi
export GOFLAGS="-trimpath -buildvcs=false" CGO_ENABLED=0 GOTOOLCHAIN=local
mkdir -p "$CACHE/logs"
STATUS="$CACHE/status.tsv"

# Versions from clusters/versions.yaml (the one place pins live), read with the project's own yaml package.
pin() {
  node -e '
    const y = require("yaml"); const fs = require("fs");
    const v = y.parse(fs.readFileSync(process.argv[1], "utf8"));
    const value = process.argv[2].split(".").reduce((o, k) => (o == null ? undefined : o[k]), v);
    if (typeof value !== "string") { console.error(`clusters/versions.yaml: ${process.argv[2]} is not set`); process.exit(2); }
    process.stdout.write(value);' "$ROOT/clusters/versions.yaml" "$1"
}

record() { # name version seconds result note: one file per tool (builds run in parallel), joined into status.tsv
  mkdir -p "$CACHE/status"
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >"$CACHE/status/$1.tsv"
}

# build <name> <version> <module> <module version> <ldflags> <packages...>
# Extra `replace` lines for the wrapper's go.mod come in the REPLACES variable.
build() {
  local name="$1" version="$2" module="$3" modversion="$4" ldflags="$5"; shift 5
  local dir="$CACHE/$name-$version" stamp want
  want="$module@$modversion $* ldflags=$ldflags"
  stamp="$dir/bin/.stamp"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    echo "build-tools: $name $version cached ($dir/bin)"
    return 0
  fi
  local log="$CACHE/logs/$name.log" start end
  start=$(date +%s)
  echo "build-tools: building $name $version ($module@$modversion), log $log"
  rm -rf "$dir/src" "$dir/bin"
  mkdir -p "$dir/src" "$dir/bin"
  {
    printf 'module mesh-bench.local/tools/%s\n\ngo 1.26.0\n\nrequire %s %s\n' "$name" "$module" "$modversion"
    if [ -n "${REPLACES:-}" ]; then printf '\nreplace (\n%s\n)\n' "$REPLACES"; fi
  } >"$dir/src/go.mod"
  local gets=() p
  for p in "$@"; do gets+=("$p@$modversion"); done
  if (cd "$dir/src" && "$GO" get "${gets[@]}" && "$GO" build -ldflags "$ldflags" -o "$dir/bin/" "$@") >"$log" 2>&1; then
    end=$(date +%s)
    echo "$((end - start))" >"$dir/build-seconds"
    echo "$want" >"$stamp"
    record "$name" "$version" "$((end - start))" built "$dir/bin"
    echo "build-tools: $name $version built in $((end - start)) s"
  else
    end=$(date +%s)
    record "$name" "$version" "$((end - start))" failed "$(grep -v '^go: downloading' "$log" | tail -n 3 | tr '\t\n' '  ')"
    echo "build-tools: $name $version FAILED after $((end - start)) s; last lines of $log:" >&2
    tail -n 5 "$log" >&2
    return 1
  fi
}

build_kubernetes() {
  local v staging
  v="$(pin testTools.kubernetes)" || return 1
  local sv="v0${v#v1}" # staging modules: v1.36.1 -> v0.36.1
  "$GO" mod download -json "k8s.io/kubernetes@$v" >"$CACHE/logs/kubernetes-mod.json" 2>&1 || { cat "$CACHE/logs/kubernetes-mod.json" >&2; return 1; }
  local gomod
  gomod="$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).GoMod)' "$CACHE/logs/kubernetes-mod.json")"
  # Every staging module k8s.io/kubernetes replaces with ./staging/src/k8s.io/<x>, pinned to its published v0.y.z.
  staging="$(sed -n 's#^[[:space:]]*\(k8s.io/[a-z0-9-]*\) => ./staging/src/.*#\1#p' "$gomod")"
  [ -n "$staging" ] || { echo "build-tools: no staging replaces found in $gomod" >&2; return 1; }
  REPLACES="$(for m in $staging; do printf '\t%s => %s %s\n' "$m" "$m" "$sv"; done)"
  # The version stamp kube's own build writes (hack/lib/version.sh: kube::version::ldflags), so the server reports
  # v1.36.1 and not v0.0.0-master, which our version checks would refuse.
  local x="" pkg
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    x+=" -X $pkg.gitVersion=$v -X $pkg.gitMajor=$(echo "${v#v}" | cut -d. -f1) -X $pkg.gitMinor=$(echo "${v#v}" | cut -d. -f2)"
    x+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
  done
  REPLACES="$REPLACES" build kubernetes "$v" k8s.io/kubernetes "$v" "-s -w$x" \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kubectl
}

build_etcd() {
  local v; v="$(pin testTools.etcd)" || return 1
  # The etcd binary's main package is the server module's root (server/main.go calls etcdmain.Main).
  build etcd "$v" go.etcd.io/etcd/server/v3 "$v" "-s -w" go.etcd.io/etcd/server/v3 || return 1
  # go build names a /vN module's binary after the element before the suffix: "server".
  local bin="$CACHE/etcd-$v/bin"
  if [ -x "$bin/server" ]; then mv "$bin/server" "$bin/etcd"; fi
}

build_kwok() {
  local v; v="$(pin testTools.kwok)" || return 1
  build kwok "$v" sigs.k8s.io/kwok "$v" "-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=$v" sigs.k8s.io/kwok/cmd/kwok || return 1
  # kwok's own lifecycle stages and its kubelet /metrics/resource emulation, from the module at the same version
  # (read from the module cache at build time, not kept in this repository): test/helpers/control-plane.ts loads them.
  local dir="$CACHE/kwok-$v/upstream"
  [ -f "$dir/.complete" ] && return 0
  local src
  src="$("$GO" mod download -json "sigs.k8s.io/kwok@$v" | node -e 'let t="";process.stdin.on("data",d=>t+=d).on("end",()=>console.log(JSON.parse(t).Dir))')" || return 1
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$src/kustomize/stage/node/fast/node-initialize.yaml" "$src/kustomize/stage/node/heartbeat-with-lease/node-heartbeat-with-lease.yaml" \
    "$src/kustomize/stage/pod/general/"pod-*.yaml "$src/kustomize/metrics/resource/metrics-resource.yaml" "$dir/" || return 1
  chmod -R u+w "$dir" && touch "$dir/.complete"
}

# Cilium's CRDs are not release files (cilium-operator registers them from its embedded copies), so the
# CiliumNetworkPolicy CRD comes from the cilium module at the pinned chart version (the tag the chart was built from).
build_cilium_crds() {
  local v; v="v$(pin meshes.cilium.chartVersion)" || return 1
  local dir="$CACHE/cilium-crds-$v"
  if [ -f "$dir/.complete" ]; then echo "build-tools: cilium-crds $v cached ($dir)"; return 0; fi
  local start src; start=$(date +%s)
  src="$("$GO" mod download -json "github.com/cilium/cilium@$v" | node -e 'let t="";process.stdin.on("data",d=>t+=d).on("end",()=>console.log(JSON.parse(t).Dir))')" || return 1
  rm -rf "$dir" && mkdir -p "$dir"
  cp "$src/pkg/k8s/apis/cilium.io/client/crds/v2/ciliumnetworkpolicies.yaml" "$dir/" || return 1
  chmod -R u+w "$dir" && touch "$dir/.complete"
  record cilium-crds "$v" "$(( $(date +%s) - start ))" fetched "$dir"
}

build_helm() {
  local v; v="$(pin helm.version)" || return 1
  build helm "$v" helm.sh/helm/v3 "$v" "-s -w -X helm.sh/helm/v3/internal/version.version=$v" helm.sh/helm/v3/cmd/helm
}

build_cilium() {
  local v; v="$(pin meshes.cilium.cliVersion)" || return 1
  build cilium "$v" github.com/cilium/cilium-cli "$v" "-s -w" github.com/cilium/cilium-cli/cmd/cilium
}

build_istioctl() {
  local v m; v="$(pin meshes.istio.version)" || return 1; m="$(pin testTools.istioModule)" || return 1
  build istioctl "$v" istio.io/istio "$m" "-s -w -X istio.io/istio/pkg/version.buildVersion=$v" istio.io/istio/istioctl/cmd/istioctl
}

build_linkerd() {
  local v m; v="$(pin meshes.linkerd.version)" || return 1; m="$(pin testTools.linkerdModule)" || return 1
  build linkerd "$v" github.com/linkerd/linkerd2 "$m" "-s -w -X github.com/linkerd/linkerd2/pkg/version.Version=$v" github.com/linkerd/linkerd2/cli
}

core=(kubernetes etcd kwok cilium_crds)
meshes=(helm cilium istioctl linkerd)
wanted=()
for arg in "$@"; do
  case "$arg" in
    --mesh-clis) wanted+=("${core[@]}" "${meshes[@]}") ;;
    kubernetes|etcd|kwok|cilium_crds|helm|cilium|istioctl|linkerd) wanted+=("$arg") ;;
    *) echo "build-tools: unknown argument $arg (expected --mesh-clis or a tool name)" >&2; exit 2 ;;
  esac
done
[ ${#wanted[@]} -gt 0 ] || wanted=("${core[@]}")

# In parallel: module downloads overlap with compiling, and a cold Kubernetes build dominates anyway.
failed_core=0
pids=()
for tool in "${wanted[@]}"; do
  "build_$tool" &
  pids+=("$!")
done
for i in "${!pids[@]}"; do
  if ! wait "${pids[$i]}"; then
    case " ${core[*]} " in *" ${wanted[$i]} "*) failed_core=1 ;; esac
  fi
done
cat "$CACHE"/status/*.tsv >"$STATUS" 2>/dev/null || true
exit "$failed_core"
