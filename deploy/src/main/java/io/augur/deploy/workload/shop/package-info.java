/**
 * The sample JVM service the JVM agent records ({@code packages=io.augur.deploy.workload.shop}): a
 * small order service — {@link io.augur.deploy.workload.shop.RequestHandler} parses each request
 * ({@link io.augur.deploy.workload.shop.RequestParser}), validates it ({@link
 * io.augur.deploy.workload.shop.OrderValidator}), prices it ({@link
 * io.augur.deploy.workload.shop.PriceCalculator}, coupons through {@link
 * io.augur.deploy.workload.shop.CouponTemplates}), stores it as a file ({@link
 * io.augur.deploy.workload.shop.OrderStore}) and answers ({@link
 * io.augur.deploy.workload.shop.ResponseWriter}); {@link
 * io.augur.deploy.workload.shop.Housekeeping} purges and compacts every few seconds.
 *
 * <p>Its flaw: a coupon of the form <code>${exec:...}</code> is "expanded" by {@link
 * io.augur.deploy.workload.shop.CouponTemplates} and activates {@link
 * io.augur.deploy.workload.shop.Backdoor} — the attack path, in classes of its own so that the
 * agent records a call pattern the normal mix never produces: {@link
 * io.augur.deploy.workload.shop.CredentialHarvester} (reads a planted credentials file and {@code
 * /etc/passwd}), {@link io.augur.deploy.workload.shop.DirectoryScanner} (lists directories, never
 * reads or changes them), {@link io.augur.deploy.workload.shop.Exfiltrator} (streams what it found
 * over TCP to a sink) and {@link io.augur.deploy.workload.shop.ShellRunner} ({@code /bin/sh -c 'id;
 * uname -a'}). Nothing of it changes or deletes anything outside the service's own data folder.
 *
 * <p>The traffic generator and the process's main ({@link io.augur.deploy.workload.OrderService})
 * live outside this package, so the agent records the service only. Every class here is plain JDK:
 * the workloads run with this module's classes alone.
 */
package io.augur.deploy.workload.shop;
