; 256-bit addition and subtraction on the AVR: one ADC or SBC per byte, carried in the
; status register's C flag (LD, ST and DEC leave it alone). p256field.cpp's add() and
; subtract() call these; every modular addition, subtraction and final reduction is made
; of them. Constant time: the instruction sequence never depends on the operands.
;
;   uint8_t portal_avr_add256(uint8_t result[32], const uint8_t a[32], const uint8_t b[32]);
;   uint8_t portal_avr_sub256(uint8_t result[32], const uint8_t a[32], const uint8_t b[32]);
;
; Little-endian operands; result may alias a or b. Returns the carry (add) or the borrow
; (sub), 0 or 1. About 260 cycles each.
;
; Registers (avr-gcc ABI): arguments r24:25, r22:23, r20:21; r28:29 is saved.

.macro LOOP256 op
    push r28
    push r29
    movw r28, r24       ; Y = result
    movw r26, r22       ; X = a
    movw r30, r20       ; Z = b
    ldi r20, 8
    clc
1:
    .rept 4
    ld r18, X+
    ld r19, Z+
    \op r18, r19
    st Y+, r18
    .endr
    dec r20
    brne 1b
    clr r24
    adc r24, r24        ; r24 = C
    pop r29
    pop r28
    ret
.endm

    .section .text.portal_avr_add256, "ax", @progbits
    .global portal_avr_add256
    .type portal_avr_add256, @function
portal_avr_add256:
    LOOP256 adc
    .size portal_avr_add256, . - portal_avr_add256

    .section .text.portal_avr_sub256, "ax", @progbits
    .global portal_avr_sub256
    .type portal_avr_sub256, @function
portal_avr_sub256:
    LOOP256 sbc
    .size portal_avr_sub256, . - portal_avr_sub256
