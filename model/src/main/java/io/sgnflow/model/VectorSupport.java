package io.sgnflow.model;

/**
 * Whether the JDK Vector API kernels can run here: the JVM was started with {@code --add-modules
 * jdk.incubator.vector} and {@code -Dsgn.simd=false} was not given. The kernel classes reference
 * the incubator module, so they are created reflectively and only then; without the module the
 * scalar kernels serve.
 */
public final class VectorSupport {
    /** The system property that, set to {@code false}, keeps the scalar kernels. */
    static final String PROPERTY = "sgn.simd";

    static final boolean ENABLED =
            ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                    && !"false".equalsIgnoreCase(System.getProperty(PROPERTY));

    private VectorSupport() {}

    /** True when the Vector API kernels are in use in this JVM. */
    public static boolean enabled() {
        return ENABLED;
    }

    /**
     * The Vector API kernel of an SGN-VAE's log weights for the given noise draws ([k, L]), or null
     * when it cannot be created here.
     */
    public static io.sgnflow.model.vae.VaeWeightKernel vaeKernel(
            io.sgnflow.model.vae.SgnVaeModel model, double[][] noise) {
        if (!ENABLED) {
            return null;
        }
        try {
            return (io.sgnflow.model.vae.VaeWeightKernel)
                    Class.forName("io.sgnflow.model.VectorVaeKernel")
                            .getDeclaredConstructor(
                                    io.sgnflow.model.vae.SgnVaeModel.class, double[][].class)
                            .newInstance(model, noise);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }

    /** The Vector API flow kernel, or null when it cannot be created here. */
    static FlowKernel flowKernel(FlowKernelParameters kp, int tile) {
        if (!ENABLED) {
            return null;
        }
        try {
            return (FlowKernel)
                    Class.forName("io.sgnflow.model.VectorFlowKernel")
                            .getDeclaredConstructor(FlowKernelParameters.class, int.class)
                            .newInstance(kp, tile);
        } catch (ReflectiveOperationException | LinkageError e) {
            return null;
        }
    }
}
