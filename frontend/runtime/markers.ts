/**
 * The names the server's renderer writes and the browser's boot script reads:
 * one home, imported by both `render.ts` and `boot.ts` (it is bundled into
 * the boot script, so it imports nothing).
 */

/** Attribute naming the island a marker element wraps. */
export const ISLAND_ATTR = "data-island";
/** Attribute holding the index of the island's props in the props script. */
export const ISLAND_PROPS_ATTR = "data-island-props";
/** Id of the `<script type="application/json">` with every island's props. */
export const PROPS_SCRIPT_ID = "__island_props";
