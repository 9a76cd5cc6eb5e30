/**
 * Collections: their definition and its validation, the topics each one owns, the registered
 * DML value schema, and the catalog of specs kept in a compacted topic.
 */
package io.segflow.collection;
