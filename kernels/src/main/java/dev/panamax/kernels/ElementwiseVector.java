package dev.panamax.kernels;

import dev.panamax.kernels.spec.BinaryOp;
import dev.panamax.kernels.spec.UnaryOp;
import static dev.panamax.kernels.VectorShapes.D;
import static dev.panamax.kernels.VectorShapes.DL;
import static dev.panamax.kernels.VectorShapes.F;
import static dev.panamax.kernels.VectorShapes.FL;
import static dev.panamax.kernels.VectorShapes.ORDER;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API elementwise kernels over contiguous memory, same contract as {@link ElementwiseScalar}.
 *
 * <p>One small method per operator: the Vector API only compiles to SIMD instructions when the operator is a
 * constant at the call site, and small methods stay under C2's inlining budget (see docs/PLATFORM.md, "Inlining
 * cliff"). The body loop covers whole vectors; the scalar twin does the tail.
 */
final class ElementwiseVector {
    private ElementwiseVector() {}

    static FloatVector lf(MemorySegment s, long i) {
        return FloatVector.fromMemorySegment(F, s, i << 2, ORDER);
    }

    static DoubleVector ld(MemorySegment s, long i) {
        return DoubleVector.fromMemorySegment(D, s, i << 3, ORDER);
    }

    static void binaryF32(BinaryOp op, MemorySegment o, long oo, MemorySegment a, long ao,
                          MemorySegment b, long bo, long n) {
        long body = F.loopBound(n);
        switch (op) {
            case ADD -> binaryF32Add(o, oo, a, ao, b, bo, body);
            case SUB -> binaryF32Sub(o, oo, a, ao, b, bo, body);
            case MUL -> binaryF32Mul(o, oo, a, ao, b, bo, body);
            case DIV -> binaryF32Div(o, oo, a, ao, b, bo, body);
            case MAX -> binaryF32Max(o, oo, a, ao, b, bo, body);
            case MIN -> binaryF32Min(o, oo, a, ao, b, bo, body);
            case POW -> body = 0;  // no JIT-independent vector pow: Math.pow, the same in every tier
        }
        ElementwiseScalar.binaryF32(op, o, oo + body, a, ao + body, b, bo + body, n - body);
    }

    static void binaryF64(BinaryOp op, MemorySegment o, long oo, MemorySegment a, long ao,
                          MemorySegment b, long bo, long n) {
        long body = D.loopBound(n);
        switch (op) {
            case ADD -> binaryF64Add(o, oo, a, ao, b, bo, body);
            case SUB -> binaryF64Sub(o, oo, a, ao, b, bo, body);
            case MUL -> binaryF64Mul(o, oo, a, ao, b, bo, body);
            case DIV -> binaryF64Div(o, oo, a, ao, b, bo, body);
            case MAX -> binaryF64Max(o, oo, a, ao, b, bo, body);
            case MIN -> binaryF64Min(o, oo, a, ao, b, bo, body);
            case POW -> body = 0;
        }
        ElementwiseScalar.binaryF64(op, o, oo + body, a, ao + body, b, bo + body, n - body);
    }

    static void unaryF32(UnaryOp op, MemorySegment o, long oo, MemorySegment a, long ao, long n) {
        long body = F.loopBound(n);
        switch (op) {
            case NEG -> unaryF32Neg(o, oo, a, ao, body);
            case ABS -> unaryF32Abs(o, oo, a, ao, body);
            case EXP -> unaryF32Exp(o, oo, a, ao, body);
            case LOG -> unaryF32Log(o, oo, a, ao, body);
            case SQRT -> unaryF32Sqrt(o, oo, a, ao, body);
            case TANH -> unaryF32Tanh(o, oo, a, ao, body);
            case SIGMOID -> unaryF32Sigmoid(o, oo, a, ao, body);
            case RELU -> unaryF32Relu(o, oo, a, ao, body);
            case SQUARE -> unaryF32Square(o, oo, a, ao, body);
            case RECIPROCAL -> unaryF32Reciprocal(o, oo, a, ao, body);
            case SIN -> body = 0;  // transcendental: Math's, the same in every tier
            case COS -> body = 0;  // transcendental: Math's, the same in every tier
            case LOG1P -> body = 0;  // transcendental: Math's, the same in every tier
            case EXPM1 -> body = 0;  // transcendental: Math's, the same in every tier
            case RSQRT -> unaryF32Rsqrt(o, oo, a, ao, body);
            case SIGN -> body = 0; // rare; the scalar loop handles signed zeros and NaN exactly
            case STEP -> unaryF32Step(o, oo, a, ao, body);
            case ERF -> body = 0; // rare outside the fused GELU: the scalar definition
        }
        ElementwiseScalar.unaryF32(op, o, oo + body, a, ao + body, n - body);
    }

    /** max(x, 0) that keeps NaN, like the scalar definition. */
    private static FloatVector relu(FloatVector v) {
        return v.blend(0f, v.compare(VectorOperators.LT, 0f).or(v.compare(VectorOperators.EQ, 0f)));
    }

    private static DoubleVector relu(DoubleVector v) {
        return v.blend(0.0, v.compare(VectorOperators.LT, 0.0).or(v.compare(VectorOperators.EQ, 0.0)));
    }

    static void unaryF64(UnaryOp op, MemorySegment o, long oo, MemorySegment a, long ao, long n) {
        long body = D.loopBound(n);
        switch (op) {
            case NEG -> unaryF64Neg(o, oo, a, ao, body);
            case ABS -> unaryF64Abs(o, oo, a, ao, body);
            case EXP -> body = 0;
            case LOG -> body = 0;
            case SQRT -> unaryF64Sqrt(o, oo, a, ao, body);
            case TANH -> body = 0;
            case SIGMOID -> body = 0;
            case RELU -> unaryF64Relu(o, oo, a, ao, body);
            case SQUARE -> unaryF64Square(o, oo, a, ao, body);
            case RECIPROCAL -> unaryF64Reciprocal(o, oo, a, ao, body);
            case SIN -> body = 0;
            case COS -> body = 0;
            case LOG1P -> body = 0;
            case EXPM1 -> body = 0;
            case RSQRT -> unaryF64Rsqrt(o, oo, a, ao, body);
            case SIGN -> body = 0;
            case STEP -> unaryF64Step(o, oo, a, ao, body);
            case ERF -> body = 0;
        }
        ElementwiseScalar.unaryF64(op, o, oo + body, a, ao + body, n - body);
    }

    // One method per operator keeps each loop small enough for C2 to inline all its vector calls.

    private static void binaryF32Add(MemorySegment o, long oo, MemorySegment a, long ao, MemorySegment b, long bo, long body) {
        for (long i = 0; i < body; i += FL) lf(a, ao + i).add(lf(b, bo + i)).intoMemorySegment(o, (oo + i) << 2, ORDER);
    }

    private static void binaryF32Sub(MemorySegment o, long oo, MemorySegment a, long ao, MemorySegment b, long bo, long body) {
        for (long i = 0; i < body; i += FL) lf(a, ao + i).sub(lf(b, bo + i)).intoMemorySegment(o, (oo + i) << 2, ORDER);
    }

    private static void binaryF32Mul(MemorySegment o, long oo, MemorySegment a, long ao, MemorySegment b, long bo, long body) {
        for (long i = 0; i < body; i += FL) lf(a, ao + i).mul(lf(b, bo + i)).intoMemorySegment(o, (oo + i) << 2, ORDER);
    }

    private static void binaryF32Div(MemorySegment o, long oo, MemorySegment a, long ao, MemorySegment b, long bo, long body) {
        for (long i = 0; i < body; i += FL) lf(a, ao + i).div(lf(b, bo + i)).intoMemorySegment(o, (oo + i) << 2, ORDER);
    }

    private static void binaryF32Max(MemorySegment o, long oo, MemorySegment a, long ao, MemorySegment b, long bo, long body) {
        for (long i = 0; i < body; i += FL) lf(a, ao + i).max(lf(b, bo + i)).intoMemorySegment(o, (oo + i) << 2, ORDER);
    }

    private static void binaryF32Min(MemorySegment o, long oo, MemorySegment a, long ao, MemorySegment b, long bo, long body) {
        for (long i = 0; i < body; i += FL) lf(a, ao + i).min(lf(b, bo + i)).intoMemorySegment(o, (oo + i) << 2, ORDER);
    }


    private static void binaryF64Add(MemorySegment o, long oo, MemorySegment a, long ao, MemorySegment b, long bo, long body) {
        for (long i = 0; i < body; i += DL) ld(a, ao + i).add(ld(b, bo + i)).intoMemorySegment(o, (oo + i) << 3, ORDER);
    }

    private static void binaryF64Sub(MemorySegment o, long oo, MemorySegment a, long ao, MemorySegment b, long bo, long body) {
        for (long i = 0; i < body; i += DL) ld(a, ao + i).sub(ld(b, bo + i)).intoMemorySegment(o, (oo + i) << 3, ORDER);
    }

    private static void binaryF64Mul(MemorySegment o, long oo, MemorySegment a, long ao, MemorySegment b, long bo, long body) {
        for (long i = 0; i < body; i += DL) ld(a, ao + i).mul(ld(b, bo + i)).intoMemorySegment(o, (oo + i) << 3, ORDER);
    }

    private static void binaryF64Div(MemorySegment o, long oo, MemorySegment a, long ao, MemorySegment b, long bo, long body) {
        for (long i = 0; i < body; i += DL) ld(a, ao + i).div(ld(b, bo + i)).intoMemorySegment(o, (oo + i) << 3, ORDER);
    }

    private static void binaryF64Max(MemorySegment o, long oo, MemorySegment a, long ao, MemorySegment b, long bo, long body) {
        for (long i = 0; i < body; i += DL) ld(a, ao + i).max(ld(b, bo + i)).intoMemorySegment(o, (oo + i) << 3, ORDER);
    }

    private static void binaryF64Min(MemorySegment o, long oo, MemorySegment a, long ao, MemorySegment b, long bo, long body) {
        for (long i = 0; i < body; i += DL) ld(a, ao + i).min(ld(b, bo + i)).intoMemorySegment(o, (oo + i) << 3, ORDER);
    }


    private static void unaryF32Neg(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += FL) lf(a, ao + i).neg().intoMemorySegment(o, (oo + i) << 2, ORDER);
    }

    private static void unaryF32Abs(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += FL) lf(a, ao + i).abs().intoMemorySegment(o, (oo + i) << 2, ORDER);
    }

    private static void unaryF32Exp(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += FL) VectorMath.exp(lf(a, ao + i)).intoMemorySegment(o, (oo + i) << 2, ORDER);
    }

    private static void unaryF32Log(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += FL) VectorMath.log(lf(a, ao + i)).intoMemorySegment(o, (oo + i) << 2, ORDER);
    }

    private static void unaryF32Sqrt(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += FL) lf(a, ao + i).sqrt().intoMemorySegment(o, (oo + i) << 2, ORDER);
    }

    private static void unaryF32Tanh(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += FL) VectorMath.tanh(lf(a, ao + i)).intoMemorySegment(o, (oo + i) << 2, ORDER);
    }

    private static void unaryF32Sigmoid(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += FL) FloatVector.broadcast(F, 1f).div(VectorMath.exp(lf(a, ao + i).neg()).add(1f)).intoMemorySegment(o, (oo + i) << 2, ORDER);
    }

    private static void unaryF32Relu(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += FL) relu(lf(a, ao + i)).intoMemorySegment(o, (oo + i) << 2, ORDER);
    }

    private static void unaryF32Square(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += FL) { FloatVector v = lf(a, ao + i); v.mul(v).intoMemorySegment(o, (oo + i) << 2, ORDER); }
    }

    private static void unaryF32Reciprocal(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += FL) FloatVector.broadcast(F, 1f).div(lf(a, ao + i)).intoMemorySegment(o, (oo + i) << 2, ORDER);
    }





    private static void unaryF32Rsqrt(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += FL) FloatVector.broadcast(F, 1f).div(lf(a, ao + i).sqrt()).intoMemorySegment(o, (oo + i) << 2, ORDER);
    }

    private static void unaryF64Neg(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += DL) ld(a, ao + i).neg().intoMemorySegment(o, (oo + i) << 3, ORDER);
    }

    private static void unaryF64Abs(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += DL) ld(a, ao + i).abs().intoMemorySegment(o, (oo + i) << 3, ORDER);
    }



    private static void unaryF64Sqrt(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += DL) ld(a, ao + i).sqrt().intoMemorySegment(o, (oo + i) << 3, ORDER);
    }



    private static void unaryF64Relu(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += DL) relu(ld(a, ao + i)).intoMemorySegment(o, (oo + i) << 3, ORDER);
    }

    private static void unaryF64Square(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += DL) { DoubleVector v = ld(a, ao + i); v.mul(v).intoMemorySegment(o, (oo + i) << 3, ORDER); }
    }

    private static void unaryF64Reciprocal(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += DL) DoubleVector.broadcast(D, 1.0).div(ld(a, ao + i)).intoMemorySegment(o, (oo + i) << 3, ORDER);
    }





    private static void unaryF64Rsqrt(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += DL) DoubleVector.broadcast(D, 1.0).div(ld(a, ao + i).sqrt()).intoMemorySegment(o, (oo + i) << 3, ORDER);
    }

    private static void unaryF32Step(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += FL) FloatVector.zero(F).blend(1f, lf(a, ao + i).compare(VectorOperators.GT, 0f)).intoMemorySegment(o, (oo + i) << 2, ORDER);
    }

    private static void unaryF64Step(MemorySegment o, long oo, MemorySegment a, long ao, long body) {
        for (long i = 0; i < body; i += DL) DoubleVector.zero(D).blend(1.0, ld(a, ao + i).compare(VectorOperators.GT, 0.0)).intoMemorySegment(o, (oo + i) << 3, ORDER);
    }
}
