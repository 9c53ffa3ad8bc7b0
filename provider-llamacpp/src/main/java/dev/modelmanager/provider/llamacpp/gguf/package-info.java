/**
 * A pure-Java reader of GGUF file headers (llama.cpp's model format): version, metadata and tensor infos, read
 * without native code, so that a bad file is refused with a clear reason and a model's needs are known before
 * it is loaded.
 */
@Export
@Version("0.1.0")
package dev.modelmanager.provider.llamacpp.gguf;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
