export { changePassword } from './change-password';
export { login } from './login';
export { logout } from './logout';
export { publicJwks } from './jwks';
export { refresh } from './refresh';
export { signup } from './signup';
export { validate } from './validate';
export { resendVerificationCode, verifyEmail } from './verify-email';
