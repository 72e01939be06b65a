import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse, stringify } from 'yaml';
import { CommandError } from '../../src/core/errors.js';
import type { KubeObject } from '../../src/core/kube.js';
import type { FileSystem } from '../../src/core/deps.js';
import type { FakeKube, FakeRunner } from './fake-cluster.js';
import { referenceEntries, referencePathsUnder, resolveReference } from './reference.js';

/**
 * The command-line tools of a kind run, answering as they do when they succeed, and creating in the fake cluster what
 * the real ones create (kind: CoreDNS; istioctl: istiod, and ztunnel and istio-cni-node for ambient; cilium: the
 * agent, operator, envoy and relay; linkerd: its control plane, as the manifests it prints). Anything else stays
 * unanswered, so the fake runner fails it. What is created comes from the upstream releases' own manifests, not from
 * what our adapters wait for: a renamed wait would find nothing.
 */
export function answerKindRun(runner: FakeRunner, kube: FakeKube, fs?: FileSystem): void {
  // kind v0.32.0 creates a kubeadm cluster: CoreDNS is Deployment kube-system/coredns, pods labelled k8s-app=kube-dns.
  runner.on(['kind', 'create', 'cluster'], () => {
    kube.declareWorkload('Deployment', 'kube-system', 'coredns', { 'k8s-app': 'kube-dns' }, ['coredns']);
    return { stdout: '', stderr: 'Creating cluster "bench" ...\n ✓ Ensuring node image\n', exitCode: 0 };
  });
  runner.on(['kind', 'delete', 'cluster'], () => {
    kube.reset();
    return { stdout: '', stderr: 'Deleting cluster "bench" ...\n', exitCode: 0 };
  });
  for (const prefix of [['docker', 'build'], ['docker', 'save'], ['kind', 'load', 'image-archive']]) runner.on(prefix, '');
  runner.on(['kubectl', '--kubeconfig'], (argv) => {
    if (argv.includes('delete') && argv.includes('namespace')) return { stdout: `namespace "${argv[argv.indexOf('namespace') + 1]}" deleted\n`, stderr: '', exitCode: 0 };
    if (argv.includes('wait') && argv.includes('--for=condition=Established')) {
      const crds = argv.filter((a) => a.startsWith('crd/'));
      return { stdout: crds.map((c) => `customresourcedefinition.apiextensions.k8s.io/${c.slice(4)} condition met\n`).join(''), stderr: '', exitCode: 0 };
    }
    // Diagnostics of a failed system (src/platform/diagnostics.ts): what kubectl prints about the fake cluster.
    if (argv.includes('get') && argv.includes('pods')) {
      const namespaces = argv.includes('--all-namespaces') ? [...new Set([...kube.objects.values()].map((o) => o.metadata.namespace).filter((n): n is string => !!n))] : [argv[argv.indexOf('--namespace') + 1] ?? ''];
      const rows = namespaces.flatMap((ns) => kube.workloadPods(ns, undefined).map((p) => `${ns}   ${p.metadata?.name}   ${p.status?.phase}   ${p.spec?.nodeName}`));
      return { stdout: `NAMESPACE   NAME   STATUS   NODE\n${rows.join('\n')}\n`, stderr: '', exitCode: 0 };
    }
    if (argv.includes('get') && argv.includes('events')) return { stdout: '', stderr: 'No resources found\n', exitCode: 0 };
    // cilium-ztunnel's Secret (kubectl create secret generic … --from-file=…): created, its keys named as kubectl does.
    if (argv.includes('create') && argv.includes('secret')) return { stdout: `secret/${argv[argv.indexOf('generic') + 1]} created\n`, stderr: '', exitCode: 0 };
    if (argv.includes('describe')) return { stdout: kube.nodes.map((n) => `Name:               ${n.metadata?.name}\n`).join('\n'), stderr: '', exitCode: 0 };
    throw new CommandError(argv, 127, `fake kubectl: no answer set up for: ${argv.join(' ')}`, 'exit code 127');
  });
  // kind export logs writes a folder per node (kubelet, containerd and pod logs); one file stands for them here.
  runner.on(['kind', 'export', 'logs'], async (argv) => {
    const [dir, name] = [argv[3] ?? '', argv[5] ?? ''];
    await fs?.mkdir(`${dir}/${name}-control-plane`);
    await fs?.writeFileAtomic(`${dir}/${name}-control-plane/kubelet.log`, 'I1121 05:49:00.000000     301 kubelet.go:2463] "Starting kubelet"\n');
    return { stdout: `${dir}\n`, stderr: `Exporting logs for cluster "${name}" to:\n`, exitCode: 0 };
  });
  runner.on(['istioctl', 'proxy-status'], 'NAME     CLUSTER     CDS     LDS     EDS     RDS     ECDS     ISTIOD     VERSION\n');
  // Gateway API CRDs: the pinned files themselves (their digest is checked), from the reference copy when present.
  runner.on(['curl'], (argv) => {
    const url = argv.at(-1) ?? '';
    const path = `${GATEWAY_API_STANDARD}${basename(url)}`;
    const file = url.includes('/kubernetes-sigs/gateway-api/') && referenceEntries().has(path) ? resolveReference(path) : 'absent';
    if (file === 'absent') {
      throw new CommandError(argv, 22, `curl: (22) The requested URL returned error: 404 (no reference copy of ${url})`, 'exit code 22');
    }
    return { stdout: readFileSync(file, 'utf8'), stderr: '', exitCode: 0 };
  });

  // istioctl install: the minimal profile is istiod (app=istiod); ambient adds the istio-cni-node and ztunnel
  // DaemonSets (manifests/charts in the 1.30.3 release: k8s-app=istio-cni-node, app=ztunnel).
  runner.on(['istioctl', 'install'], (argv) => {
    kube.declareWorkload('Deployment', 'istio-system', 'istiod', { app: 'istiod' }, ['discovery']);
    if (argv.includes('profile=ambient')) {
      kube.declareWorkload('DaemonSet', 'istio-system', 'istio-cni-node', { 'k8s-app': 'istio-cni-node' }, ['install-cni']);
      kube.declareWorkload('DaemonSet', 'istio-system', 'ztunnel', { app: 'ztunnel' }, ['istio-proxy']);
    }
    return { stdout: '✔ Istio core installed ⛵️\n✔ Istiod installed 🧠\n✔ Installation complete\n', stderr: '', exitCode: 0 };
  });
  // istiod deploys a waypoint for a Gateway of class istio-waypoint, labelled with the Gateway's name.
  kube.controllers.push((o, k) => {
    const spec = o.spec as { gatewayClassName?: string } | undefined;
    if (o.kind === 'Gateway' && spec?.gatewayClassName === 'istio-waypoint' && o.metadata.namespace) {
      k.declareWorkload('Deployment', o.metadata.namespace, o.metadata.name, { 'gateway.networking.k8s.io/gateway-name': o.metadata.name }, ['istio-proxy']);
    }
  });

  // openssl genrsa / req -x509 (cilium-ztunnel's keys, the upstream guide's commands): they print nothing on stdout.
  runner.on(['openssl', 'genrsa'], '');
  runner.on(['openssl', 'req'], '');
  // cilium install (cilium-cli, Helm chart 1.20.0): agent and envoy DaemonSets, operator and Hubble Relay Deployments;
  // with encryption.type ztunnel in the values file, the chart's DaemonSet ztunnel-cilium too (templates/ztunnel/).
  runner.on(['cilium', 'install'], async (argv) => {
    const valuesPath = argv[argv.indexOf('--values') + 1];
    const values = fs && valuesPath ? (parse(await fs.readFile(valuesPath)) as { encryption?: { enabled?: boolean; type?: string } }) : {};
    if (values.encryption?.enabled && values.encryption.type === 'ztunnel') {
      kube.declareWorkload('DaemonSet', 'kube-system', 'ztunnel-cilium', { app: 'ztunnel-cilium' }, ['istio-proxy']);
    }
    kube.declareWorkload('DaemonSet', 'kube-system', 'cilium', { 'k8s-app': 'cilium' }, ['cilium-agent']);
    kube.declareWorkload('DaemonSet', 'kube-system', 'cilium-envoy', { 'k8s-app': 'cilium-envoy' }, ['cilium-envoy']);
    kube.declareWorkload('Deployment', 'kube-system', 'cilium-operator', { 'io.cilium/app': 'operator', name: 'cilium-operator' }, ['cilium-operator']);
    kube.declareWorkload('Deployment', 'kube-system', 'hubble-relay', { 'k8s-app': 'hubble-relay' }, ['hubble-relay']);
    return { stdout: 'ℹ️  Using Cilium version 1.20.0\n🔮 Auto-detected cluster name: kind-bench\n', stderr: '', exitCode: 0 };
  });
  runner.on(['cilium', 'status', '--wait'], '    /¯¯\\\n /¯¯\\__/¯¯\\    Cilium:             OK\n');

  // linkerd install prints manifests, which the harness applies: the control plane's three Deployments.
  runner.on(['linkerd', 'install', '--crds'], '');
  runner.on(['linkerd', 'install', '--values'], () => ({ stdout: linkerdControlPlane(), stderr: '', exitCode: 0 }));
  runner.on(['linkerd', 'check'], 'Status check results are √\n');
}

/** What `linkerd install` prints, reduced to the objects the run waits for (edge-26.8.3 install_default.golden names). */
function linkerdControlPlane(): string {
  const deployment = (name: string, component: string): KubeObject => {
    const labels = { 'linkerd.io/control-plane-component': component, 'linkerd.io/control-plane-ns': 'linkerd' };
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: 'linkerd', labels },
      spec: { replicas: 1, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: component }, { name: 'linkerd-proxy' }] } } },
    };
  };
  const objects = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'linkerd' } },
    deployment('linkerd-identity', 'identity'),
    deployment('linkerd-destination', 'destination'),
    deployment('linkerd-proxy-injector', 'proxy-injector'),
  ];
  return objects.map((o) => `---\n${stringify(o)}`).join('');
}

/** The reference copy of the Gateway API CRDs (two adapters install them): ../shared/reference or the cache. */
export const GATEWAY_API_STANDARD = 'gateway-api/v1.5.1/standard/';
export const gatewayApiReferenceFiles = (): string[] => referencePathsUnder(GATEWAY_API_STANDARD);
