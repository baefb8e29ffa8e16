/** The document shell around every page (Fresh's `routes/_app.tsx`). */
import type { ComponentChildren, JSX } from "preact";

/** Props of {@link App}. */
export interface AppProps {
  title: string;
  /** Cache-busting version appended to static URLs. */
  version: string;
  children: ComponentChildren;
}

/** `<html>` with the stylesheet, a skip link and the page in `<main>`. */
export default function App({ title, version, children }: AppProps): JSX.Element {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{title}</title>
        <link rel="stylesheet" href={`/static/styles.css?v=${encodeURIComponent(version)}`} />
        <link rel="icon" href="data:," />
      </head>
      <body>
        <a class="skip-link" href="#main">Skip to content</a>
        <header class="site">
          <h1>Grid anomaly detection</h1>
          <p>
            Simulated voltage, current and frequency readings from a fleet of meters, scored by the
            backend's detector behind <code>/api/predict</code>.
          </p>
        </header>
        <main id="main">{children}</main>
        <footer class="site">
          <a href="/api/metrics">Prometheus metrics</a> · <a href="/api/model">model JSON</a>
        </footer>
      </body>
    </html>
  );
}
