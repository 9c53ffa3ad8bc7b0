/**
 * GGUF files (llama.cpp's model format) in pure Java, without native code. {@link
 * dev.modelmanager.provider.llamacpp.gguf.GgufReader} reads a file's header (version, metadata and tensor infos),
 * so that a bad file is refused with a clear reason and a model's needs are known before it is loaded. {@link
 * dev.modelmanager.provider.llamacpp.gguf.GgufWriter} writes a whole file of chosen metadata and F32, F16 or Q8_0
 * tensors, streaming, for tests and benchmarks that need a model of a given shape without downloading one.
 */
@Export
@Version("0.2.0")
package dev.modelmanager.provider.llamacpp.gguf;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
