/**
 * Long-running end-to-end tests that overlap the rest of the integration-test run: {@link
 * dev.cairn.itests.soak.IdleClusterListener} starts their subject when the run begins, and the tests here, run last
 * (the itests pom orders test classes alphabetically, and {@code soak} sorts after {@code e2e} and {@code osgi}),
 * check what happened meanwhile. A test here that is run on its own does the whole of its work itself.
 *
 * <p>Run alone: {@code mvn -o -q test -pl itests -Dtest=IdleClusterIT} (build the distribution first).
 */
package dev.cairn.itests.soak;
