//! Fixed test keys (generated once with openssl for these tests only; never used
//! anywhere else), so the suite needs no key generation.

pub const RSA_PEM: &str = "\
-----BEGIN PRIVATE KEY-----\n\
MIIEvAIBADANBgkqhkiG9w0BAQEFAASCBKYwggSiAgEAAoIBAQDEzU55w1pZojYL\n\
rdp6rTHZs7YdvbK9S036hT7ECSFLpi9x4l5+7VNX05VqQnqkA8UjO4PktnQbc/AL\n\
Qix0nM1jdSWsoaVxnyJhYXvV1OkP3aJa3YoO/RHz+AmxOZDsX0UQ4iiQmXYR/vDy\n\
r+8in526nHtMN6CzoPxwKggVYE8ZbBsR1MdWDn3H3Rr0e8HOYUlphNzDM3zcA2jS\n\
zXqbEGH0zvgIl5ejdyh5k7ZMadEdjnZE8m9VUinNtrtefNH6zc5AqbOfHd09rYyl\n\
uzlX3uZrmxEOWprf4BRSP+0+V/8dS3cTzQgm8dWuISoO46s2qWsiNO5IBPSbn3wO\n\
mFOUhwV9AgMBAAECggEAK0O1Plh/etgJyJyCPNjpbiIvZa9n5WxyKqJzT3ZwXuic\n\
Yo1w17eFzHeDz/Xobzky9BFn5/ZiZQyiV19HVaWJE5XT3/UzYVyqGr1rE3G4gNfp\n\
Es/EQ5JICZncS51LqmMxVEpbv5o1FjS1NK0Pxc1QSA+RnYpXJlY8WM4ss8JV8VDr\n\
mUNwfCYIMJvoODcf50qYDnCA9unHCSfo3p2kZanETDxDF3thwtu3wgK56+no9lAo\n\
2ZOfMqehPdbaaFbclwZRyxAdKCiHtvXv8j8a1YmuiYJEhBV09OWiS29M1r6THwXR\n\
xTOd15cFdyjTS5TaWS6f2HJbGhrgeYwzSK/VqaIJowKBgQDjtxTGzaK9fV9ORdvE\n\
B+02Jpzq5YVzGXXo3gn/BQadr66ImNcUhnf9AQaoGzdy2w7jFTVHss5K1xNKl6YZ\n\
clxHEmGF1yKFw1DEUS6SjEpGjXY5nSCv4h7KWTC9XoRY2JxGzLe0DDJSGXA2ZJLQ\n\
JMiaityrXfS+9Tv4dXOP8KK3HwKBgQDdPz5gVJArrCwRP6nOainrx3MDCCRuQopW\n\
KgG8C3w0ns/wJbqSuj+hx09tMGi3Jtbngv5p6larb21bjsPw1aY5Ta46exgVpVCs\n\
ySnQDRxP/q554oBFjRVN09Ld7NNyka0oY1id/cCWhxodmcVNkc/hg7K2EF0ehEUi\n\
A/dC/yW74wKBgCGgkbLh/xxYfVCDxHZobUFH5nhRuKlMozrmPzenuFhk7zNAztI7\n\
IVD9a8w7aK7PZp1mLl4OK6SlqjWju2Wam8HrFve602BJfY3gJy6BBR7yGPldGMyg\n\
aceb8DSm1oiARGO4K5CtFGlHVGjT5VJTfERGKVwtHc1tTZPdVFl3QbAlAoGAYqae\n\
g4lxN2fvxkkix/0icBVgvQtWYyucT0svts9QNI5TnXrVNDODx/j8+2zIZFIXJOeN\n\
1WA+APcQRfDkgXBiS87NTxov5Qbvb/vKfxA5fZnL5mEOXPTJeQhoT7gXmFBIa2fQ\n\
zbGlu/jFtkkoZqwLizyT5QZq3v6PbNlj2SW3h40CgYBq9/3z6gh4e7cWTfVBNH06\n\
ISbQYZcvyRXsCE8MXn3ZZDIigSjIbzx+kbd/9tOkUrsydoj2cxmm1n0g9yoCPf9G\n\
Ero8Fk+plCshQgKT20mh/UCHU4HmHcfbR9FUUQRKBo1v++RMUGCdp11wFZt3Skdz\n\
DQ25AOjtwPY0/QastVk1Kg==\n\
-----END PRIVATE KEY-----\n";

pub const EC_PEM: &str = "\
-----BEGIN PRIVATE KEY-----\n\
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg8qzOZmT9kVlusmPv\n\
etSXeHjYS+z44vDwMK7hLNS2IrGhRANCAAR8m2a6lUifKELE2f18/QXBu9IXaFZP\n\
FW/+WrGrdY0lq+OA3DpgrQr5iPsCUBMWnAQl08Hwo6iCxLO26wTgEEkq\n\
-----END PRIVATE KEY-----\n";
