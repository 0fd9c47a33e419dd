/**
 * The datastore TCK: the conformance suite every {@link dev.cairn.datastore.api.Datastore} backend must pass.
 *
 * <p>Each area of the contract is an abstract JUnit 4 class ({@link dev.cairn.datastore.tck.RevisionContract},
 * {@link dev.cairn.datastore.tck.RangeContract}, {@link dev.cairn.datastore.tck.PutContract},
 * {@link dev.cairn.datastore.tck.DeleteContract}, {@link dev.cairn.datastore.tck.TxnContract},
 * {@link dev.cairn.datastore.tck.CompactionContract}, {@link dev.cairn.datastore.tck.WatchContract},
 * {@link dev.cairn.datastore.tck.LeaseContract}, {@link dev.cairn.datastore.tck.MaintenanceContract},
 * {@link dev.cairn.datastore.tck.DurabilityContract}). A backend runs the suite by subclassing each one in its
 * test sources and implementing {@link dev.cairn.datastore.tck.DatastoreContract#newStore()} (a fresh, empty store
 * per call) and, if the backend keeps its data across a close,
 * {@link dev.cairn.datastore.tck.DatastoreContract#reopen(dev.cairn.datastore.api.Datastore)}:
 *
 * <pre>
 * public class MyRangeTest extends RangeContract {
 *     &#64;Rule public final TemporaryFolder dirs = new TemporaryFolder();
 *
 *     &#64;Override
 *     protected Datastore newStore() throws Exception {
 *         return MyDatastore.open(dirs.newFolder().toPath());
 *     }
 * }
 * </pre>
 *
 * <p>The expected behaviour is etcd 3.4/3.5's, checked against a real etcd where the documentation is unclear.
 *
 * <p>Release fixtures: {@link dev.cairn.datastore.tck.SampleHistory} writes the history a backend's release fixture
 * holds, and {@link dev.cairn.datastore.tck.StoreContent} prints what a store holds, so that a test can open the
 * files a previous release wrote and compare what this build reads with what that release recorded.
 */
package dev.cairn.datastore.tck;
