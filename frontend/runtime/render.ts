/**
 * Server render helper: Fresh's island model by hand. Routes render islands
 * as ordinary Preact components; while a page renders, a Preact `vnode` hook
 * (the same mechanism Fresh uses) swaps every island for a marker element
 * that wraps its server-rendered HTML and remembers its props. The page then
 * gets the props as one JSON script and a module script that imports only the
 * islands present and hydrates them (see `boot.ts`).
 */
import { type ComponentType, h, options, type VNode } from "preact";
import { renderToString } from "preact-render-to-string";
import { ISLAND_ATTR, ISLAND_PROPS_ATTR, PROPS_SCRIPT_ID } from "./markers.ts";
import { assertJsonSafe, serializeForScript } from "./props.ts";

export { ISLAND_ATTR, ISLAND_PROPS_ATTR, PROPS_SCRIPT_ID };

// deno-lint-ignore no-explicit-any
type AnyComponent = ComponentType<any>;

/** Island components by component function, with their names (the file's base name). */
export type IslandRegistry = ReadonlyMap<AnyComponent, string>;

// Every registered island. The vnode hook below consults it whenever a vnode
// is created, as Fresh does, so islands are recognised however the page tree
// was built (JSX evaluated before or during rendering).
const known = new Map<AnyComponent, string>();

/** Register islands by name (`{ Name: Component }`) and return them as a registry. */
export function islandRegistry(islands: Record<string, AnyComponent>): IslandRegistry {
  const registry = new Map<AnyComponent, string>();
  for (const [name, component] of Object.entries(islands)) {
    known.set(component, name);
    registry.set(component, name);
  }
  return registry;
}

interface RenderState {
  props: unknown[];
  names: Set<string>;
}

/** Set while {@link renderPage} runs; islands rendered outside it render plainly (render tests). */
let state: RenderState | null = null;
/** The next island vnode is the island itself inside its marker: leave it alone. */
let passThrough = false;

interface MarkerProps {
  name: string;
  component: AnyComponent;
  props: Record<string, unknown>;
}

// deno-lint-ignore no-explicit-any
function IslandMarker({ name, component, props }: MarkerProps): VNode<any> {
  passThrough = true;
  const inner = h(component, props);
  if (!state) return inner;
  const index = state.props.push(props) - 1;
  state.names.add(name);
  return h(
    "div",
    { [ISLAND_ATTR]: name, [ISLAND_PROPS_ATTR]: String(index), class: "island" },
    inner,
  );
}

const previousHook = options.vnode;
options.vnode = (vnode) => {
  if (typeof vnode.type === "function") {
    const name = known.get(vnode.type as AnyComponent);
    if (name !== undefined) {
      if (passThrough) {
        passThrough = false;
      } else {
        const { children, ...props } = vnode.props as Record<string, unknown>;
        if (children !== undefined) {
          throw new TypeError(`Island ${name} must not be given children; pass plain data props`);
        }
        assertJsonSafe(props, `${name}.props`);
        const marker: MarkerProps = { name, component: vnode.type as AnyComponent, props };
        (vnode as { type: unknown }).type = IslandMarker;
        (vnode as { props: unknown }).props = marker;
      }
    }
  }
  previousHook?.(vnode);
};

/** The result of rendering a page. */
export interface RenderedPage {
  /** The full HTML document. */
  html: string;
  /** Names of the islands on the page, in first-use order. */
  islands: string[];
}

/** Options for {@link renderPage}. */
export interface RenderPageOptions {
  /** Which components are islands. */
  registry: IslandRegistry;
  /** URL of the build directory, e.g. `/static/build/` (holding `runtime/boot.js` and `islands/<Name>.js`). */
  buildPrefix: string;
  /** Cache-busting suffix for module URLs (the build id). */
  version?: string;
  /** CSP nonce for the inline boot script. */
  nonce?: string;
}

/** Render `page` (a whole `<html>` document) and add the island props and boot script before `</body>`. */
// deno-lint-ignore no-explicit-any
export function renderPage(page: VNode<any>, opts: RenderPageOptions): RenderedPage {
  if (state) throw new Error("renderPage() is not re-entrant");
  for (const [component, name] of opts.registry) known.set(component, name);
  const s: RenderState = { props: [], names: new Set() };
  state = s;
  let body: string;
  try {
    body = renderToString(page);
  } finally {
    state = null;
    passThrough = false;
  }
  const islands = [...s.names];
  let tail = "";
  if (islands.length > 0) {
    const q = opts.version ? `?v=${encodeURIComponent(opts.version)}` : "";
    const nonce = opts.nonce ? ` nonce="${opts.nonce}"` : "";
    const imports = islands.map((name, i) =>
      `import I${i} from "${opts.buildPrefix}islands/${name}.js${q}";`
    ).join("");
    const table = islands.map((name, i) => `${JSON.stringify(name)}:I${i}`).join(",");
    tail =
      `<script type="application/json" id="${PROPS_SCRIPT_ID}">${
        serializeForScript(s.props)
      }</script>` +
      `<script type="module"${nonce}>import{boot}from"${opts.buildPrefix}runtime/boot.js${q}";${imports}boot({${table}});</script>`;
  }
  const at = body.lastIndexOf("</body>");
  const html = "<!DOCTYPE html>" +
    (at < 0 ? body + tail : body.slice(0, at) + tail + body.slice(at));
  return { html, islands };
}
