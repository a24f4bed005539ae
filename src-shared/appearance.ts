// How the workstation looks (issue 18 point 15): a display preference, readable while the vault is
// locked (the sign-in screen follows it too), nothing personal.
export const THEMES = ['system', 'light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
/** The zoom levels Ctrl + and Ctrl − step through (per cent); Ctrl 0 returns to 100. */
export const ZOOM_STEPS = [80, 90, 100, 110, 125, 150, 175, 200] as const;
export type ZoomStep = (typeof ZOOM_STEPS)[number];

/** The next zoom step up (+1) or down (−1) from `current`, staying within the steps. */
export function stepZoom(current: number, by: 1 | -1): ZoomStep {
  const i = ZOOM_STEPS.findIndex((z) => z >= current);
  const at = i === -1 ? ZOOM_STEPS.length - 1 : i;
  return ZOOM_STEPS[Math.min(ZOOM_STEPS.length - 1, Math.max(0, at + by))]!;
}
