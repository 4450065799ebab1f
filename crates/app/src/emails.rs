//! The emails Prelevo sends about access, in the recipient's language.

use prelevo_domain::Locale;

use crate::mail::OutgoingEmail;

/// "Set or reset your password" with its one-time link.
pub(crate) fn password_link(to: &str, link: &str, language: Locale) -> OutgoingEmail {
    let (subject, text) = match language {
        Locale::Fr => (
            "Prelevo — définir votre mot de passe",
            format!(
                "Bonjour,\n\nPour définir ou réinitialiser votre mot de passe Prelevo, ouvrez ce lien \
                 (valable 30 minutes, une seule fois) :\n\n{link}\n\n\
                 Si vous n'êtes pas à l'origine de cette demande, ignorez ce message."
            ),
        ),
        Locale::En => (
            "Prelevo — set your password",
            format!(
                "Hello,\n\nTo set or reset your Prelevo password, open this link \
                 (valid for 30 minutes, once):\n\n{link}\n\n\
                 If you did not ask for it, ignore this message."
            ),
        ),
    };
    OutgoingEmail {
        to: to.to_owned(),
        subject: subject.to_owned(),
        text,
        html: None,
    }
}

/// An invitation to join a creditor's team.
pub(crate) fn invitation(to: &str, creditor: &str, link: &str, language: Locale) -> OutgoingEmail {
    let (subject, text) = match language {
        Locale::Fr => (
            format!("Invitation à rejoindre {creditor} sur Prelevo"),
            format!(
                "Bonjour,\n\nVous êtes invité(e) à rejoindre l'équipe de {creditor} sur Prelevo. \
                 Ouvrez ce lien (valable 7 jours) pour choisir votre mot de passe :\n\n{link}\n"
            ),
        ),
        Locale::En => (
            format!("Invitation to join {creditor} on Prelevo"),
            format!(
                "Hello,\n\nYou are invited to join {creditor}'s team on Prelevo. \
                 Open this link (valid for 7 days) to choose your password:\n\n{link}\n"
            ),
        ),
    };
    OutgoingEmail {
        to: to.to_owned(),
        subject,
        text,
        html: None,
    }
}
