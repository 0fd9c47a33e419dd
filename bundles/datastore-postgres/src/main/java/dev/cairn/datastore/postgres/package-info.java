/**
 * The PostgreSQL backend: the Datastore contract as a revision log in a PostgreSQL database that several Cairn
 * servers may share. Built only on the exported packages of datastore-api, as a third-party backend would be.
 */
package dev.cairn.datastore.postgres;
