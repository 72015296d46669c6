; Montgomery multiplication on the AVR: r = a·b·2^-256 (+ carry·2^256), by finely integrated
; product scanning (FIPS) over 8-bit digits, so that every product is one 2-cycle MUL.
; p256field.cpp's montgomeryMultiply() calls it for scalars mod n (field elements mod p
; use mul256_avr.S and the reduction special to p) and does the final conditional
; subtraction. Constant time: the instruction sequence depends only on the
; loop bounds, never on the operands (MUL, ADD/ADC and loads take fixed cycles on the AVR).
;
;   uint8_t portal_avr_montmul(uint8_t result[32], uint8_t am[64], const uint8_t bn[64],
;                              uint8_t negativeInverse);
;
; am holds a[j] at 2j; this routine writes m[j] at 2j+1. bn holds b[j] at 2j and the
; modulus N[j] at 2j+1. negativeInverse = -N^-1 mod 256. Returns the carry (0 or 1): the
; result is result + carry·2^256 < 2N. A column sums at most 2·32·255² + 2^16 < 2^24, so the
; accumulator is three bytes. About 23k cycles.
;
; Registers (avr-gcc ABI): arguments r24:25, r22:23, r20:21, r18; r2–r17 and r28:29 are
; saved; r1 is cleared before returning.

#define ZERO r7
#define ACC0 r8
#define ACC1 r9
#define ACC2 r10
#define B0 r11
#define N0 r12
#define NINV r6
#define I r16
#define TMP r17
#define COUNT r22

.macro MAC_PAIR
    ld r18, X+          ; a[j]
    ld r19, X+          ; m[j]
    ld r20, -Z          ; N[i-j]
    ld r21, -Z          ; b[i-j]
    mul r18, r21
    add ACC0, r0
    adc ACC1, r1
    adc ACC2, ZERO
    mul r19, r20
    add ACC0, r0
    adc ACC1, r1
    adc ACC2, ZERO
.endm

.macro SHIFT_ACC
    mov ACC0, ACC1
    mov ACC1, ACC2
    clr ACC2
.endm

    .section .text.portal_avr_montmul, "ax", @progbits
    .global portal_avr_montmul
    .type portal_avr_montmul, @function
portal_avr_montmul:
    push r2
    push r3
    push r4
    push r5
    push r6
    push r7
    push r8
    push r9
    push r10
    push r11
    push r12
    push r16
    push r17
    push r28
    push r29
    movw r28, r24       ; Y = result
    movw r2, r22        ; am
    movw r4, r20        ; bn
    mov NINV, r18
    clr ZERO
    clr ACC0
    clr ACC1
    clr ACC2
    movw r30, r4
    ld B0, Z+
    ld N0, Z
    clr I

    ; Columns 0..31: the products below the diagonal, then a[i]·b[0]; m[i] makes digit 0 of
    ; the accumulator vanish and the accumulator moves down a digit.
1:  movw r26, r2        ; X = am
    movw r30, r4
    mov TMP, I
    lsl TMP
    subi TMP, -2        ; Z = bn + 2i + 2
    add r30, TMP
    adc r31, ZERO
    mov COUNT, I
    tst COUNT
    breq 3f
2:  MAC_PAIR
    dec COUNT
    brne 2b
3:  ld r18, X+          ; a[i]; X now at m[i]
    mul r18, B0
    add ACC0, r0
    adc ACC1, r1
    adc ACC2, ZERO
    mul ACC0, NINV
    mov r19, r0         ; m[i]
    st X, r19
    mul r19, N0
    add ACC0, r0
    adc ACC1, r1
    adc ACC2, ZERO
    SHIFT_ACC
    inc I
    cpi I, 32
    brne 1b

    ; Columns 32..62: the products above the diagonal; each column gives one result digit.
4:  mov TMP, I
    subi TMP, 31
    lsl TMP
    movw r26, r2
    add r26, TMP        ; X = am + 2(i - 31)
    adc r27, ZERO
    movw r30, r4
    adiw r30, 63
    adiw r30, 1         ; Z = bn + 64
    ldi COUNT, 63
    sub COUNT, I
5:  MAC_PAIR
    dec COUNT
    brne 5b
    st Y+, ACC0
    SHIFT_ACC
    inc I
    cpi I, 63
    brne 4b

    st Y+, ACC0         ; column 63 has no products
    mov r24, ACC1       ; carry
    clr r1
    pop r29
    pop r28
    pop r17
    pop r16
    pop r12
    pop r11
    pop r10
    pop r9
    pop r8
    pop r7
    pop r6
    pop r5
    pop r4
    pop r3
    pop r2
    ret
    .size portal_avr_montmul, . - portal_avr_montmul
