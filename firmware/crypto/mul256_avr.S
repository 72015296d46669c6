; The 512-bit product of two 256-bit numbers on the AVR, by product scanning over 8-bit
; digits: every digit product is one 2-cycle MUL added into a three-byte column
; accumulator (a column sums at most 32·255² + 2^16 < 2^24). p256field.cpp's
; fieldMultiply() reduces the product modulo p. Constant time: the instruction sequence
; depends only on the column index, never on the operands.
;
;   void portal_avr_multiply256(uint8_t product[64], const uint8_t a[32], const uint8_t b[32]);
;
; All three are little-endian. About 11.5k cycles: 1024 products at 9 cycles each, and per
; column one call into an unrolled run of 32 multiply-accumulates entered at the point that
; leaves exactly the column's count of products.
;
; Registers (avr-gcc ABI): arguments r24:25, r22:23, r20:21; r2–r17 and r28:29 are saved;
; r1 is cleared before returning. X walks a upwards, Y walks b downwards, Z is the jump
; target, so the product pointer lives in r2:r3 between columns.

#define ZERO r7
#define ACC0 r8
#define ACC1 r9
#define ACC2 r10
#define K r16
#define COUNT r17

.macro MAC
    ld r18, X+          ; a[i]
    ld r19, -Y          ; b[k - i]
    mul r18, r19
    add ACC0, r0
    adc ACC1, r1
    adc ACC2, ZERO
.endm

; Z = address of the last COUNT MACs of the run; call them, store digit k, shift the
; accumulator down a digit.
.macro COLUMN
    ldi r30, pm_lo8(9f)
    ldi r31, pm_hi8(9f)
    mov r18, COUNT
    add r18, r18
    add r18, COUNT
    add r18, r18        ; 6 words per MAC, COUNT <= 32
    sub r30, r18
    sbc r31, ZERO
    icall
    movw r30, r2
    st Z+, ACC0
    movw r2, r30
    mov ACC0, ACC1
    mov ACC1, ACC2
    clr ACC2
.endm

    .section .text.portal_avr_multiply256, "ax", @progbits
    .global portal_avr_multiply256
    .type portal_avr_multiply256, @function
portal_avr_multiply256:
    push r2
    push r3
    push r4
    push r5
    push r7
    push r8
    push r9
    push r10
    push r14
    push r15
    push r16
    push r17
    push r28
    push r29
    movw r2, r24        ; product
    movw r4, r22        ; a
    movw r14, r20       ; b
    clr ZERO
    clr ACC0
    clr ACC1
    clr ACC2
    clr K

    ; Columns 0..31: a[0..k] against b[k..0].
1:  movw r26, r4        ; X = a
    movw r28, r14
    mov COUNT, K
    inc COUNT           ; COUNT = k + 1
    add r28, COUNT      ; Y = b + k + 1
    adc r29, ZERO
    COLUMN
    inc K
    cpi K, 32
    brne 1b

    ; Columns 32..62: a[k-31..31] against b[31..k-31].
2:  movw r26, r4
    mov r18, K
    subi r18, 31
    add r26, r18        ; X = a + k - 31
    adc r27, ZERO
    movw r28, r14
    adiw r28, 32        ; Y = b + 32
    ldi COUNT, 63
    sub COUNT, K        ; COUNT = 63 - k
    COLUMN
    inc K
    cpi K, 63
    brne 2b

    movw r30, r2
    st Z, ACC0          ; column 63 has no products: the last carry
    clr r1
    pop r29
    pop r28
    pop r17
    pop r16
    pop r15
    pop r14
    pop r10
    pop r9
    pop r8
    pop r7
    pop r5
    pop r4
    pop r3
    pop r2
    ret

    ; The unrolled run: COLUMN enters it COUNT MACs before its end.
    .rept 32
    MAC
    .endr
9:  ret
    .size portal_avr_multiply256, . - portal_avr_multiply256
