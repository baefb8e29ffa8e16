/**
 * Client boot: the only script every page with islands loads. It reads the
 * serialized props the server rendered, finds each island's marker element
 * and hydrates the island in place, so the server's HTML becomes interactive
 * without being rebuilt.
 */
import { type ComponentType, h, hydrate } from "preact";
import { ISLAND_ATTR, ISLAND_PROPS_ATTR, PROPS_SCRIPT_ID } from "./markers.ts";

// deno-lint-ignore no-explicit-any
type AnyComponent = ComponentType<any>;

/** Hydrate every island marker on the page whose component is in `islands`; returns how many. */
export function boot(
  islands: Record<string, AnyComponent>,
  root: ParentNode = document,
): number {
  const script = root.querySelector(`#${PROPS_SCRIPT_ID}`);
  const props = JSON.parse(script?.textContent || "[]") as Record<string, unknown>[];
  let count = 0;
  for (const el of root.querySelectorAll<HTMLElement>(`[${ISLAND_ATTR}]`)) {
    const component = islands[el.getAttribute(ISLAND_ATTR) ?? ""];
    if (!component) continue;
    const index = Number(el.getAttribute(ISLAND_PROPS_ATTR));
    hydrate(h(component, props[index] ?? {}), el);
    el.setAttribute("data-hydrated", "");
    count++;
  }
  return count;
}
