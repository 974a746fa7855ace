"""Translated names of a service user's coded values: the service type and the relation
a next of kin has to the user."""

from flask_babel import lazy_gettext as _l

from homecare.service_users.models import KinRelationship as K
from homecare.service_users.models import ServiceType

SERVICE_TYPE_LABELS = {ServiceType.SHORT_TERM: _l("Short term"),
                       ServiceType.LONG_TERM: _l("Long term")}
KIN_LABELS = {
    K.SPOUSE: _l("Spouse"), K.PARTNER: _l("Partner"), K.DAUGHTER: _l("Daughter"),
    K.SON: _l("Son"), K.CHILD: _l("Child"), K.MOTHER: _l("Mother"), K.FATHER: _l("Father"),
    K.SISTER: _l("Sister"), K.BROTHER: _l("Brother"), K.SIBLING: _l("Sibling"),
    K.GRANDCHILD: _l("Grandchild"), K.NIECE: _l("Niece"), K.NEPHEW: _l("Nephew"),
    K.COUSIN: _l("Cousin"), K.DAUGHTER_IN_LAW: _l("Daughter-in-law"),
    K.SON_IN_LAW: _l("Son-in-law"), K.FRIEND: _l("Friend"), K.NEIGHBOUR: _l("Neighbour"),
    K.GUARDIAN: _l("Guardian"), K.OTHER: _l("Other"),
}
