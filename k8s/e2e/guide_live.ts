/**
 * Commands of docs/WORKSHOP_GUIDE.md (session 2) that `deno task k8s:e2e`
 * runs, exactly as written (port numbers aside), on the live cluster. The
 * scenarios take the text from here, and docs/tests/guide_commands_test.ts
 * counts these as run rather than as "needs kind", so the two cannot drift.
 */

/** Guide command → the scenario that runs it. */
export const LIVE_GUIDE_COMMANDS = {
  applyDev: "kubectl apply -k k8s/overlays/dev",
  rolloutStatus: "kubectl -n anomaly rollout status deploy/anomaly-backend",
  getPods: "kubectl -n anomaly get pods",
  metricsRollout: "kubectl -n kube-system rollout status deploy/metrics-server",
  apiservices: "kubectl get apiservices | grep metrics",
  topNodes: "kubectl top nodes",
  metricsLogs: "kubectl -n kube-system logs deploy/metrics-server",
  portForward: "kubectl -n anomaly port-forward svc/anomaly-backend 8000:8000",
  clusterIp: "kubectl -n anomaly get service anomaly-backend -o jsonpath='{.spec.clusterIP}'",
  describeBackend: "kubectl -n anomaly describe pod -l app.kubernetes.io/name=anomaly-backend",
  deleteBackendPods: "kubectl -n anomaly delete pod -l app.kubernetes.io/name=anomaly-backend",
  modelReadyLogs: "kubectl -n anomaly logs deploy/anomaly-backend | grep model_ready",
  applyScaled: "kubectl apply -k k8s/overlays/scaled",
  createAdminSecret:
    `kubectl -n anomaly create secret generic anomaly-admin --from-literal=token="$(openssl rand -hex 24)"`,
  waitRetrainJob:
    "kubectl -n anomaly wait --for=condition=complete job/anomaly-retrain --timeout=300s",
  retrainLogs: "kubectl -n anomaly logs job/anomaly-retrain | tail -2",
  readAdminToken:
    "kubectl -n anomaly get secret anomaly-admin -o jsonpath='{.data.token}' | base64 -d",
} as const;

/** Which scenario runs each command (for the guide test's messages). */
export const LIVE_GUIDE_SCENARIO: Record<keyof typeof LIVE_GUIDE_COMMANDS, string> = {
  applyDev: "dev",
  rolloutStatus: "dev",
  getPods: "dev",
  metricsRollout: "dev",
  apiservices: "dev",
  topNodes: "dev",
  metricsLogs: "dev",
  portForward: "port-forward",
  clusterIp: "hpa",
  describeBackend: "pod-kill",
  deleteBackendPods: "persistent",
  modelReadyLogs: "persistent",
  applyScaled: "scaled",
  createAdminSecret: "model-lifecycle",
  waitRetrainJob: "model-lifecycle",
  retrainLogs: "model-lifecycle",
  readAdminToken: "model-lifecycle",
};
