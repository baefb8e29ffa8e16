/**
 * Schema validation without a cluster: each rendered object is checked
 * against the Kubernetes OpenAPI schema that npm `kubernetes-models` ships.
 */
import { Deployment, StatefulSet } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Job } from "kubernetes-models/batch/v1";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { StorageClass } from "kubernetes-models/storage.k8s.io/v1";
import {
  ConfigMap,
  Namespace,
  PersistentVolume,
  PersistentVolumeClaim,
  Service,
  ServiceAccount,
} from "kubernetes-models/v1";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import type { K8sObject } from "./_render.ts";

type Model = { validate(): void };
// deno-lint-ignore no-explicit-any
type ModelClass = new (data: any) => Model;

const MODELS: Record<string, ModelClass> = {
  "apps/v1/Deployment": Deployment,
  "apps/v1/StatefulSet": StatefulSet,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "batch/v1/Job": Job,
  "networking.k8s.io/v1/NetworkPolicy": NetworkPolicy,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget,
  "v1/ConfigMap": ConfigMap,
  "v1/Namespace": Namespace,
  "v1/PersistentVolume": PersistentVolume,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim,
  "v1/Service": Service,
  "v1/ServiceAccount": ServiceAccount,
  "storage.k8s.io/v1/StorageClass": StorageClass,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject,
};

/**
 * Validate `obj` against its schema; throws naming the first violation, or
 * when the project has no schema for its apiVersion and kind (add it above).
 */
export function validateSchema(obj: K8sObject): void {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const Model = MODELS[key];
  if (!Model) throw new TypeError(`No schema registered for ${key}`);
  new Model(obj).validate();
}
