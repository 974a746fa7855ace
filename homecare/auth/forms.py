"""The sign-in form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    """Username and password; the CSRF token comes with FlaskForm."""

    username = StringField(
        _l("Username"),
        validators=[DataRequired(message=_l("Enter your username.")), Length(max=80)],
    )
    password = PasswordField(
        _l("Password"), validators=[DataRequired(message=_l("Enter your password."))]
    )


class ChangePasswordForm(FlaskForm):
    """The current password and a new one, twice."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password."))])
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(message=_l("Choose a new password."))])
    repeat_password = PasswordField(
        _l("New password again"),
        validators=[DataRequired(message=_l("Type the new password again.")),
                    EqualTo("new_password", message=_l("The two new passwords differ."))])
