package io.segflow.schema.dml;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VectorsTest {
    @Test
    void vectorsAreLittleEndianFloat32() {
        ByteBuffer bytes = Vectors.toBytes(new float[] {1.0f, -2.5f});

        assertThat(bytes.array()).containsExactly(0x00, 0x00, (byte) 0x80, 0x3f, 0x00, 0x00, 0x20, (byte) 0xc0);
    }

    @Test
    void decodingReturnsTheSameValuesAndLeavesTheBufferAsItWas() {
        float[] vector = {0.125f, Float.MIN_VALUE, -0.0f, 3.4e38f};
        ByteBuffer bytes = Vectors.toBytes(vector);

        assertThat(Vectors.toFloats(bytes)).containsExactly(vector);
        assertThat(bytes.position()).isZero();
    }

    @Test
    void aLengthThatIsNotAMultipleOfFourIsRefused() {
        assertThatThrownBy(() -> Vectors.toFloats(ByteBuffer.wrap(new byte[7])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("7 bytes");
    }
}
