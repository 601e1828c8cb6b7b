/** Time as a collaborator: the monotonic {@link dev.kcl.time.Ticker} every component is given. */
package dev.kcl.time;
