/** The document-processor example: semantic search over added texts with a shared embedding model. */
package dev.modelmanager.examples.documents;
