// Package browser holds the dashboard's browser test: headless Chromium
// (Debian's chromium package, `make chromium`) driven with chromedp against
// a running match job and serve job.
package browser
